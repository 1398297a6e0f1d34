/* scanner.c - the lab's virtual scanner: writes what a real scanner sends into a configfs gadget function.
 *   scanner kbd  DEV TEXT [-L us|de] [-g ctrl|alt] [-p period_us] [-c max_reports] [-r repeat]
 *       TEXT -> 8-byte boot keyboard reports, press + release per character, typed for layout us or de.
 *       {GS} = Ctrl+] (-g ctrl: Ctrl + the key at the US ']' position, as scanners do in every layout) or
 *       Alt+0029 (-g alt: Left Alt held, keypad 0 0 2 9, Alt released); {ENTER} = Enter.
 *   scanner pos  DEV honeywell|newland AIM CODE TEXT [-p period_us] [-c max_reports] [-r repeat]
 *       TEXT -> 64-byte HID POS reports in the gadget's layout (see gadget.sh), split with 'decode data continued'.
 *       honeywell: [0]=2 [1]=len<=56 [2..4]=AIM [5..60]=data [61]=Code ID [62]=0 [63]=bit0 continued
 *       newland:   [0]=3 [1]=vendor code [2]=len<=60 [3..62]=data [63]=bit0 continued
 *   scanner acm  DEV TEXT      TEXT ({GS} = 0x1D) + CR LF written to the gadget's serial port (/dev/ttyGSn)
 * f_hid's write() returns once the host has taken the report, so -p paces real USB traffic (1000 = 1 report/ms).
 * For each scan (a repeat) prints "LAST <CLOCK_MONOTONIC seconds>": when the report that completes the scan (Enter's
 * press, the last POS report) was taken by the host: the latency reference.
 * Exit status 0 when every report was written, 3 when a write failed (unplugged).
 * build: gcc -O2 -Wall -o scanner scanner.c
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXREP 20000
static unsigned char reps[MAXREP][64];
static int nrep, replen;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void add(const unsigned char *r) { if (nrep < MAXREP) memcpy(reps[nrep++], r, replen); }

/* usage + modifier for one character; returns -1 if the layout cannot type it */
static int keycode(char c, int de, int *mod) {
    *mod = 0;
    if (c >= 'a' && c <= 'z') { int u = 0x04 + c - 'a'; if (de && c == 'y') u = 0x1d; else if (de && c == 'z') u = 0x1c; return u; }
    if (c >= 'A' && c <= 'Z') { *mod = 0x02; return keycode(c - 'A' + 'a', de, &(int){0}); }
    if (c >= '1' && c <= '9') return 0x1e + c - '1';
    if (c == '0') return 0x27;
    if (c == ' ') return 0x2c;
    if (!de) { if (c == ']') return 0x30; if (c == '-') return 0x2d; if (c == '.') return 0x37; if (c == '/') return 0x38; }
    else { if (c == ']') { *mod = 0x40; return 0x26; } if (c == '-') return 0x38; if (c == '.') return 0x37; if (c == '/') { *mod = 0x02; return 0x24; } }
    return -1;
}

static void press(int mod, int u) { unsigned char r[8] = {0}; r[0] = mod; r[2] = u; add(r); }
static void kbd_build(const char *s, int de, int alt) {
    unsigned char z[8] = {0};
    replen = 8;
    while (*s) {
        int mod, u;
        if (!strncmp(s, "{GS}", 4)) {
            s += 4;
            if (alt) { int kp[4] = {0x62, 0x62, 0x5a, 0x61};            /* Alt + keypad 0 0 2 9 */
                for (int i = 0; i < 4; i++) { press(0x04, kp[i]); unsigned char r[8] = {0x04}; add(r); }
                add(z); continue; }
            press(0x01, 0x30); add(z); continue;                          /* Ctrl + key at US ']' */
        }
        if (!strncmp(s, "{ENTER}", 7)) { s += 7; press(0, 0x28); add(z); continue; }
        if ((u = keycode(*s, de, &mod)) < 0) { fprintf(stderr, "cannot type '%c'\n", *s); exit(1); }
        s++;
        press(mod, u); add(z);
    }
}

static int unescape(const char *s, char *out) {               /* {GS} -> 0x1d */
    int n = 0;
    while (*s) { if (!strncmp(s, "{GS}", 4)) { out[n++] = 0x1d; s += 4; } else out[n++] = *s++; }
    return n;
}

static void pos_build(const char *layout, const char *aim, const char *code, const char *text) {
    static char data[8192]; int len = unescape(text, data), off = 0, nl = !strcmp(layout, "newland");
    int cap = nl ? 60 : 56;
    replen = 64;
    do {
        unsigned char r[64] = {0};
        int n = len - off > cap ? cap : len - off;
        if (nl) { r[0] = 0x03; r[1] = code[0]; r[2] = n; memcpy(r + 3, data + off, n); }
        else { r[0] = 0x02; r[1] = n; memcpy(r + 2, aim, 3); memcpy(r + 5, data + off, n); r[61] = code[0]; }
        off += n;
        r[63] = off < len ? 0x01 : 0x00;
        add(r);
    } while (off < len);
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: see source\n"); return 1; }
    const char *mode = argv[1], *dev = argv[2];
    int i, de = 0, alt = 0, maxrep = 0, repeat = 1, base; long period = 0;
    if (!strcmp(mode, "acm")) {
        static char buf[8192]; int n = unescape(argv[3], buf); buf[n++] = '\r'; buf[n++] = '\n';
        int fd = open(dev, O_WRONLY | O_NOCTTY);
        if (fd < 0 || write(fd, buf, n) != n) { perror(dev); return 3; }
        printf("LAST %.6f\n", now()); close(fd); return 0;
    }
    if (!strcmp(mode, "pos") && argc >= 7) base = 7; else if (!strcmp(mode, "kbd")) base = 4;
    else { fprintf(stderr, "bad mode\n"); return 1; }
    for (i = base; i < argc; i++) {
        if (!strcmp(argv[i], "-L") && i + 1 < argc) de = !strcmp(argv[++i], "de");
        else if (!strcmp(argv[i], "-g") && i + 1 < argc) alt = !strcmp(argv[++i], "alt");
        else if (!strcmp(argv[i], "-p") && i + 1 < argc) period = atol(argv[++i]);
        else if (!strcmp(argv[i], "-c") && i + 1 < argc) maxrep = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-r") && i + 1 < argc) repeat = atoi(argv[++i]);
    }
    if (!strcmp(mode, "kbd")) kbd_build(argv[3], de, alt); else pos_build(argv[3], argv[4], argv[5], argv[6]);
    int one = nrep;
    int fd = open(dev, O_WRONLY);
    if (fd < 0) { perror(dev); return 1; }
    struct timespec next; clock_gettime(CLOCK_MONOTONIC, &next);
    int written = 0;
    /* the report that completes a scan: Enter's press for the keyboard (its release follows), the last for POS */
    int completing = !strcmp(mode, "kbd") ? one - 2 : one - 1;
    double last = 0;
    for (int k = 0; k < repeat; k++) {
        for (i = 0; i < one; i++) {
            if (maxrep && written >= maxrep) { close(fd); printf("STOPPED after %d reports\n", written); return 0; }
            if (period) {
                clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
                next.tv_nsec += period * 1000; while (next.tv_nsec >= 1000000000) { next.tv_nsec -= 1000000000; next.tv_sec++; }
            }
            if (write(fd, reps[i], replen) != replen) { printf("WRITE_ERR at %d: %s\n", written, strerror(errno)); return 3; }
            written++;
            if (i == completing) last = now();
        }
        printf("LAST %.6f\n", last);
        fflush(stdout);
        if (repeat > 1) usleep(20000);    /* a pause between scans, as between two trigger pulls */
    }
    close(fd);
    return 0;
}
