/*
 * The seed's side of bench/shared-scale.ts: seedref.c (the seed's code, unchanged) included with
 * its main renamed, as seedref's matched-bench.c does; built beside it by bench/matched/seedref.ts.
 *   seed-grown <IMAGE> <BUILD> <TIMED> <RANGE>
 * One snapshot; random origin writes (xorshift32 from matched-bench's seq seed, mod RANGE) until
 * BUILD exceptions, untimed; then TIMED more exceptions, commit after each (the seed's only mode),
 * timed. Prints one JSON line in engine-driver's shape.
 */
#define main seedref_main
#include "seedref.c"
#undef main

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct session s;
	struct dm_exception_store *snap;
	char id[] = "0", *snap_argv[1] = { id };
	u64 build, timed, range, exc = 0, done;
	uint32_t x = 2463534242u;
	double t0, c0;
	if (argc != 5) { fprintf(stderr, "usage: seed-grown IMAGE BUILD TIMED RANGE\n"); return 2; }
	build = strtoull(argv[2], 0, 10); timed = strtoull(argv[3], 0, 10); range = strtoull(argv[4], 0, 10);
	memset(&s, 0, sizeof(s));
	shared_exception_store_init();
	seedref_quiet = 1;
	s.chunk_size = 8;
	s.bdev.bd_dev = 1;
	s.bdev.dev = &s.dev;
	s.cow.bdev = &s.bdev;
	strcpy(s.cow.name, "cow");
	s.path = argv[1];
	s.dev.fd = open(argv[1], O_RDWR | O_CREAT, 0644);
	if (s.dev.fd < 0) { perror(argv[1]); return 2; }
	if (dev_setup(&s, (u64)((build + timed) * 1.05 + 1000) * 4096, 1) || store_open(&s)) { fprintf(stderr, "format failed\n"); return 2; }
	snap = calloc(1, sizeof(*snap));
	init_store(&s, snap);
	if (shared_ctr(snap, 1, snap_argv)) { fprintf(stderr, "snap-create failed\n"); return 2; }
	s.snap[0] = snap;
	t0 = 0; c0 = 0;
	for (done = 0; exc < build + timed;) {
		struct dm_snap_exception ne;
		u64 o;
		if (exc == build && !done) { t0 = now(); c0 = cpu_s(); done = 1; }
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		o = x % range;
		if (shared_lookup_completed_exception(&s.origin, o)) continue;
		ne.old_chunk = o; ne.new_chunk = 0;
		if (shared_prepare_exception(&s.origin, &ne)) { fprintf(stderr, "prepare failed at %llu\n", (unsigned long long)o); return 2; }
		shared_commit_exception(&s.origin, &ne, cb_noop, NULL);
		exc++;
	}
	printf("{\"engine\":\"seedref\",\"mode\":\"grown\",\"build\":%llu,\"timed\":%llu,\"range\":%llu,\"excPerS\":%.0f,\"excPerCpuS\":%.0f,\"tree_level\":%u}\n",
	       (unsigned long long)build, (unsigned long long)timed, (unsigned long long)range,
	       timed / (now() - t0), timed / (cpu_s() - c0), S(&s)->tree_level);
	store_close(&s);
	return 0;
}
