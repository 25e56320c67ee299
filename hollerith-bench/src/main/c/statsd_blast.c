/*
 * statsd_blast: a paced UDP sender for the lossless-rate search of Hollerith's Measure tool.
 *
 * It sends the very same packets as the Java generator (LoadGenerator, BatchSender) with no JVM and
 * no event loop, so that the generator's own work per datagram is as small as it can be; what is
 * left is the kernel's (on loopback the sending core also runs the receive side of every datagram).
 *
 * Input: a pool file written by Java's PacketPool.writeTo (every packet of the load, prebuilt):
 *
 *   8 bytes   magic "HPOOL001"
 *   uint32    slots (packets in the pool), little-endian
 *   uint32    lines (metrics) per packet, little-endian
 *   uint32    length of each packet in bytes, one per slot, little-endian
 *   bytes     the packets, concatenated in slot order
 *
 * It sends the pool's packets in slot order starting at slot 0, cycling, over a connected UDP
 * socket, up to BATCH datagrams per sendmmsg(2). Pacing is by deadline: the packets due at "now"
 * since the start are sent at once (in batches); when ahead it sleeps until shortly before the next
 * packet is due (clock_nanosleep on CLOCK_MONOTONIC) and spins on clock_gettime for the rest.
 *
 * Usage:
 *   statsd_blast --pool FILE --target IPV4:PORT --rate METRICS_PER_S --duration-ms MS
 *                [--max-packets N]
 *
 * --rate 0 sends as fast as it can; --max-packets 0 (the default) means no limit.
 *
 * At the end it prints one JSON line to standard output:
 *
 *   {"datagrams_sent":N,"slots":S,"passes":P,"next_slot":K,"metrics_sent":M,
 *    "elapsed_ns":E,"send_errors":X,"retries":R}
 *
 * Every datagram counted in datagrams_sent was accepted by the kernel, and they were sent in slot
 * order from slot 0, so slot s was sent P + (s < K ? 1 : 0) times (N = P * S + K): that is all the
 * caller needs for the exact counter totals. send_errors counts sends the kernel refused with an
 * error (ECONNREFUSED: nobody listened); the refused datagram is sent again, so the counts stay
 * exact, but a run with errors is not lossless. retries counts sends put off because the socket's
 * buffer was full (EAGAIN, ENOBUFS); those datagrams are sent again and lose nothing.
 * elapsed_ns runs from the first send to the end of the run.
 *
 * Errors in the arguments or the pool file go to standard error with exit status 2; a socket
 * failure with exit status 1.
 *
 * Build: cc -std=gnu11 -O2 -Wall -Wextra -Werror -o statsd_blast statsd_blast.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

/* Most datagrams per sendmmsg(2) call. */
#define BATCH 64

/* Gaps shorter than this are spun through; longer ones sleep until this long before the deadline. */
#define SPIN_NS 60000LL

/* The send buffer asked for (the kernel grants up to net.core.wmem_max). */
#define SNDBUF (16 << 20)

/* A full socket buffer makes a send give up after this long, so the run's end is always checked. */
#define SEND_TIMEOUT_US 100000

static const char MAGIC[8] = {'H', 'P', 'O', 'O', 'L', '0', '0', '1'};

struct pool {
    uint32_t slots;
    uint32_t lines;
    unsigned char *data; /* the whole file */
    /* slots + BATCH messages: message i points at slot i % slots, so that any batch of up to BATCH
     * datagrams starting at any slot is one contiguous run of messages */
    struct mmsghdr *msgs;
    struct iovec *iovs;
};

struct options {
    const char *pool_path;
    const char *target;
    double rate;
    long long duration_ns;
    unsigned long long max_packets;
};

struct tally {
    unsigned long long sent;
    unsigned long long send_errors;
    unsigned long long retries;
};

static void usage_error(const char *what, const char *value)
{
    fprintf(stderr, "statsd_blast: %s%s%s%s\n", what, value ? " '" : "", value ? value : "",
            value ? "'" : "");
    fprintf(stderr, "usage: statsd_blast --pool FILE --target IPV4:PORT --rate METRICS_PER_S "
                    "--duration-ms MS [--max-packets N]\n");
    exit(2);
}

static unsigned long long parse_unsigned(const char *option, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        char what[64];
        snprintf(what, sizeof what, "%s needs a whole number >= 0, got", option);
        usage_error(what, s);
    }
    return v;
}

static struct options parse_options(int argc, char **argv)
{
    struct options o = {NULL, NULL, -1, -1, 0};
    for (int i = 1; i < argc; i += 2) {
        const char *key = argv[i];
        if (i + 1 >= argc) {
            usage_error("missing the value of", key);
        }
        const char *value = argv[i + 1];
        if (strcmp(key, "--pool") == 0) {
            o.pool_path = value;
        } else if (strcmp(key, "--target") == 0) {
            o.target = value;
        } else if (strcmp(key, "--rate") == 0) {
            o.rate = (double)parse_unsigned(key, value);
        } else if (strcmp(key, "--duration-ms") == 0) {
            o.duration_ns = (long long)parse_unsigned(key, value) * 1000000LL;
        } else if (strcmp(key, "--max-packets") == 0) {
            o.max_packets = parse_unsigned(key, value);
        } else {
            usage_error("unknown option", key);
        }
    }
    if (o.pool_path == NULL || o.target == NULL || o.rate < 0 || o.duration_ns <= 0) {
        usage_error("--pool, --target, --rate and a positive --duration-ms are required", NULL);
    }
    return o;
}

static uint32_t read_u32le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void pool_error(const char *path, const char *what)
{
    fprintf(stderr, "statsd_blast: pool file %s: %s\n", path, what);
    exit(2);
}

/* Reads and checks the pool file, and lays out one message per slot (plus BATCH for wrapping). */
static struct pool load_pool(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        pool_error(path, strerror(errno));
    }
    if (fseek(f, 0, SEEK_END) != 0) {
        pool_error(path, strerror(errno));
    }
    long size = ftell(f);
    rewind(f);
    if (size < 16) {
        pool_error(path, "shorter than its 16-byte header");
    }
    struct pool p;
    p.data = malloc((size_t)size);
    if (p.data == NULL || fread(p.data, 1, (size_t)size, f) != (size_t)size) {
        pool_error(path, "cannot read it into memory");
    }
    fclose(f);
    if (memcmp(p.data, MAGIC, sizeof MAGIC) != 0) {
        pool_error(path, "no HPOOL001 magic (not written by PacketPool.writeTo?)");
    }
    p.slots = read_u32le(p.data + 8);
    p.lines = read_u32le(p.data + 12);
    if (p.slots == 0 || p.lines == 0) {
        pool_error(path, "no packets, or packets of no lines");
    }
    size_t header = 16 + 4 * (size_t)p.slots;
    if ((size_t)size < header) {
        pool_error(path, "cut short inside its table of packet lengths");
    }
    p.msgs = calloc((size_t)p.slots + BATCH, sizeof *p.msgs);
    p.iovs = calloc((size_t)p.slots, sizeof *p.iovs);
    if (p.msgs == NULL || p.iovs == NULL) {
        pool_error(path, "too many packets to hold in memory");
    }
    size_t offset = header;
    for (uint32_t s = 0; s < p.slots; s++) {
        size_t len = read_u32le(p.data + 16 + 4 * (size_t)s);
        if (len > (size_t)size - offset) {
            pool_error(path, "shorter than its packet lengths add up to");
        }
        p.iovs[s].iov_base = p.data + offset;
        p.iovs[s].iov_len = len;
        offset += len;
    }
    if (offset != (size_t)size) {
        pool_error(path, "longer than its packet lengths add up to");
    }
    for (size_t i = 0; i < (size_t)p.slots + BATCH; i++) {
        p.msgs[i].msg_hdr.msg_iov = &p.iovs[i % p.slots];
        p.msgs[i].msg_hdr.msg_iovlen = 1;
    }
    return p;
}

/* A UDP socket connected to target, with a large send buffer and a bounded blocking send. */
static int open_socket(const char *target)
{
    char host[64];
    const char *colon = strrchr(target, ':');
    if (colon == NULL || (size_t)(colon - target) >= sizeof host) {
        usage_error("--target needs IPV4:PORT, got", target);
    }
    memcpy(host, target, (size_t)(colon - target));
    host[colon - target] = '\0';
    unsigned long long port = parse_unsigned("--target's port", colon + 1);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    if (port == 0 || port > 65535 || inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        usage_error("--target needs a numeric IPv4 address and a port 1-65535, got", target);
    }
    addr.sin_port = htons((uint16_t)port);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int sndbuf = SNDBUF;
    struct timeval timeout = {0, SEND_TIMEOUT_US};
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) != 0 ||
        connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        fprintf(stderr, "statsd_blast: cannot open a UDP socket to %s: %s\n", target,
                strerror(errno));
        exit(1);
    }
    return fd;
}

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Waits until the monotonic clock reaches deadline: sleeps through most of a long gap, spins the rest. */
static void wait_until(long long deadline)
{
    long long gap = deadline - now_ns();
    if (gap > SPIN_NS) {
        long long wake = deadline - SPIN_NS / 2;
        struct timespec t = {(time_t)(wake / 1000000000LL), (long)(wake % 1000000000LL)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
    }
    while (now_ns() < deadline) {
        /* spin: a sleep this short overshoots by more than the gap */
    }
}

/* Sends datagrams, paced, until the run's end or max_packets; returns the end time. */
static long long blast(int fd, const struct pool *p, const struct options *o, long long start,
                       struct tally *t)
{
    double ns_per_packet = o->rate == 0 ? 0 : 1e9 * p->lines / o->rate;
    unsigned long long max = o->max_packets == 0 ? ~0ULL : o->max_packets;
    long long end = start + o->duration_ns;
    uint32_t slot = 0;
    for (;;) {
        long long now = now_ns();
        if (now >= end || t->sent >= max) {
            return now;
        }
        unsigned long long due =
            ns_per_packet == 0 ? max : (unsigned long long)((now - start) / ns_per_packet) + 1;
        if (due > max) {
            due = max;
        }
        if (t->sent >= due) {
            long long next = start + (long long)(t->sent * ns_per_packet);
            wait_until(next < end ? next : end);
            continue;
        }
        unsigned long long want = due - t->sent;
        unsigned int batch = want < BATCH ? (unsigned int)want : BATCH;
        int n = sendmmsg(fd, &p->msgs[slot], batch, 0);
        if (n > 0) {
            t->sent += (unsigned int)n;
            slot = (uint32_t)((slot + (unsigned int)n) % p->slots);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR) {
            t->retries++;
        } else if (errno == ECONNREFUSED) {
            /* nobody listened when an earlier datagram arrived; this one was not sent: again */
            t->send_errors++;
        } else {
            fprintf(stderr, "statsd_blast: sendmmsg to %s failed after %llu datagrams: %s\n",
                    o->target, t->sent, strerror(errno));
            exit(1);
        }
    }
}

int main(int argc, char **argv)
{
    struct options o = parse_options(argc, argv);
    struct pool p = load_pool(o.pool_path);
    int fd = open_socket(o.target);
    struct tally t = {0, 0, 0};
    long long start = now_ns();
    long long end = blast(fd, &p, &o, start, &t);
    printf("{\"datagrams_sent\":%llu,\"slots\":%" PRIu32 ",\"passes\":%llu,\"next_slot\":%llu,"
           "\"metrics_sent\":%llu,\"elapsed_ns\":%lld,\"send_errors\":%llu,\"retries\":%llu}\n",
           t.sent, p.slots, t.sent / p.slots, t.sent % p.slots, t.sent * p.lines, end - start,
           t.send_errors, t.retries);
    return fflush(stdout) == 0 ? 0 : 1;
}
