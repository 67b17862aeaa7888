#!/bin/busybox sh
# The live suite's guest /init: loads virtio and dm-snapshot, then serves two virtio-serial ports
# until the host powers it off:
#   org.snapscope.helper.N snapscope's privileged helper (src-main/helper), N = 0, 1, ... so that
#                         several helpers can be connected at once (a qemu socket takes one
#                         client); on each, one helper per client, as `ssh host sudo
#                         snapscope-helper DEVICE...` runs one per connection: a client first
#                         sends that command line's arguments as one line (guest/bridge.mjs),
#                         then speaks the helper's protocol (guest/prefork.mjs)
#   org.snapscope.shell   the test's hands in the guest: one shell command a line, answered by its
#                         output and a line "@@rc=<status>"
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /run/lock
while read -r m; do insmod "/lib/modules/$m" || echo "insmod $m failed"; done < /etc/modules.load
port() {
  i=0
  while [ $i -lt 200 ]; do
    for p in /sys/class/virtio-ports/*; do
      [ "$(cat "$p/name" 2>/dev/null)" = "$1" ] && { echo "/dev/$(basename "$p")"; return; }
    done
    sleep 0.1; i=$((i+1))
  done
}
export DM_DISABLE_UDEV=1
# lvm warns about every descriptor it inherits (the ports); they are ours on purpose.
export LVM_SUPPRESS_FD_WARNINGS=1
serve_helper() {
  # A virtio port opens once at a time: one descriptor serves every helper in turn, each started
  # before its client comes (guest/prefork.mjs: Node starts slowly under emulation).
  exec 4<>"$1"
  while :; do
    node /snapscope/prefork.mjs <&4 >&4 2>>/tmp/helper.log || sleep 0.2
  done
}
# As many helper ports as the host made (snapscope.helpers=N on the kernel command line).
n=0
helpers=$(sed -n 's/.*snapscope\.helpers=\([0-9]*\).*/\1/p' /proc/cmdline)
while [ $n -lt "${helpers:-4}" ]; do
  HELPER=$(port org.snapscope.helper.$n)
  serve_helper "$HELPER" &
  n=$((n+1))
done
SHELLPORT=$(port org.snapscope.shell)
echo "=== guest ready: helpers on $(ls /dev/vport*), shell on $SHELLPORT"
exec 3<>"$SHELLPORT"
while :; do
  if read -r cmd <&3; then
    sh -c "$cmd" >&3 2>&1 </dev/null
    echo "@@rc=$?" >&3
  else
    sleep 0.1
  fi
done
