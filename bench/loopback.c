/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "loopback.h"

#include <errno.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

bool bench_tcp_pair(int fds[2])
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t alen = sizeof(a);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int c = -1, s = -1, saved;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        listen(l, 1) < 0 ||
        getsockname(l, (struct sockaddr *)&a, &alen) < 0) {
        goto fail;
    }
    c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0) {
        goto fail;
    }
    s = accept(l, NULL, NULL);
    if (s < 0) {
        goto fail;
    }
    close(l);
    fds[0] = c;
    fds[1] = s;
    return true;

fail:
    saved = errno;
    for (int *fd = (int[]){ l, c, s }, i = 0; i < 3; i++) {
        if (fd[i] >= 0) {
            close(fd[i]);
        }
    }
    errno = saved;
    return false;
}
