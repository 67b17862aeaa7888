#!/bin/bash
# Builds the guest that the live suite (tests/live/) boots under qemu: Debian's kernel with
# dm-snapshot, busybox, dmsetup, lvm2 and Node, so that snapscope's own privileged helper runs in
# the guest against real dm snapshots. Taken from ../shared/tools/kernel-oracle/build.sh and
# extended (Node, virtio-serial, lvm2). Output in $SNAPSCOPE_GUEST_WORK (default
# /var/tmp/snapscope-guest, about 0.6 GB); never in the checkout. Safe to run again.
#   SKIP_APT=1   the Debian packages are installed already
#   KPKG=<pkg>   another kernel package than the one linux-image-amd64 points to
set -euo pipefail
WORK="${SNAPSCOPE_GUEST_WORK:-/var/tmp/snapscope-guest}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"

export DEBIAN_FRONTEND=noninteractive
if [ "${SKIP_APT:-0}" != 1 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends \
    qemu-system-x86 busybox-static dmsetup lvm2 xz-utils kmod cpio gzip >/dev/null
fi

KPKG="${KPKG:-$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')}"
mkdir -p "$WORK/debs"
if ! ls "$WORK/debs/${KPKG}_"*.deb >/dev/null 2>&1; then
  (cd "$WORK/debs" && apt-get download "$KPKG")
fi
DEB="$(ls "$WORK/debs/${KPKG}_"*.deb | head -1)"
rm -rf "$WORK/kroot"; mkdir -p "$WORK/kroot"
dpkg-deb -x "$DEB" "$WORK/kroot"
KVER="$(ls "$WORK/kroot/lib/modules" | head -1)"
depmod -b "$WORK/kroot" "$KVER"
cp "$WORK/kroot/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
echo "$KVER" > "$WORK/kernel-release.txt"

IR="$WORK/initramfs"
rm -rf "$IR"
mkdir -p "$IR"/{bin,sbin,dev,proc,sys,tmp,run/lock,lib/modules,etc/lvm,snapscope}
cp /bin/busybox "$IR/bin/busybox"
NODE="$(readlink -f "$(command -v node)")"
tools=(/usr/sbin/dmsetup "$NODE")
[ -x /usr/sbin/lvm ] && tools+=(/usr/sbin/lvm)
for t in "${tools[@]}"; do
  mkdir -p "$IR$(dirname "$t")"
  cp "$t" "$IR$t"
  for lib in $(ldd "$t" | grep -o '/[^ ]*'); do
    mkdir -p "$IR$(dirname "$lib")"
    cp -L "$lib" "$IR$lib"
  done
done
ln -sf "$NODE" "$IR/bin/node"
if [ -x /usr/sbin/lvm ]; then
  for c in lvs vgs pvs pvcreate vgcreate lvcreate lvconvert lvremove vgchange; do ln -sf /usr/sbin/lvm "$IR/sbin/$c"; done
  # No udev and no lvmetad in the guest: lvm creates its own nodes and never waits for udev.
  printf 'activation {\n udev_sync = 0\n udev_rules = 0\n monitoring = 0\n}\ndevices {\n obtain_device_list_from_udev = 0\n}\nglobal {\n use_lvmpolld = 0\n locking_dir = "/run/lock"\n}\n' > "$IR/etc/lvm/lvm.conf"
fi

MODDIR="$WORK/kroot/lib/modules/$KVER"
: > "$IR/etc/modules.load"
# dependency closure in load order, from modules.dep (deepest dependencies first)
resolve() {
  local rel=$1
  for dep in $(awk -F: -v m="$rel" '$1 == m { print $2 }' "$MODDIR/modules.dep"); do resolve "$dep"; done
  grep -qx "$rel" "$WORK/modules.order" 2>/dev/null || echo "$rel" >> "$WORK/modules.order"
}
: > "$WORK/modules.order"
for m in virtio_blk virtio_pci virtio_console dm-mod dm-bufio dm-snapshot; do
  rel="$(awk -F: '{ print $1 }' "$MODDIR/modules.dep" | grep -E "/(${m}|${m//-/_})\.ko(\.xz|\.zst)?$" | head -1)"
  [ -n "$rel" ] || { echo "module $m not found" >&2; exit 1; }
  resolve "$rel"
done
while read -r rel; do
  base="$(basename "$rel")"
  case "$base" in
    *.ko.xz)  xz -dc "$MODDIR/$rel" > "$IR/lib/modules/${base%.xz}"; base="${base%.xz}";;
    *.ko.zst) zstd -dc "$MODDIR/$rel" > "$IR/lib/modules/${base%.zst}"; base="${base%.zst}";;
    *)        cp "$MODDIR/$rel" "$IR/lib/modules/$base";;
  esac
  echo "$base" >> "$IR/etc/modules.load"
done < "$WORK/modules.order"

cp "$(dirname "$0")/init.sh" "$IR/init"
chmod +x "$IR/init"
(cd "$IR" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$WORK/initramfs.cpio.gz"
echo "guest built in $WORK: kernel $KVER, $(du -h "$WORK/initramfs.cpio.gz" | cut -f1) initramfs"
