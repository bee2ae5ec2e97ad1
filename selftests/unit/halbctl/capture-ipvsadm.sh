#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Capture ipvsadm 1.31's own output for the fwmark / -o / -b / template
# reference files in expected/ (list-fwm.txt, save-fwm.txt, stats-fwm.txt,
# rate-fwm.txt, thresholds-fwm.txt, pconn-fwm.txt, one-fwm*.txt,
# conns-tpl.txt, conns-pc.txt).  Runs as root in a guest with ip_vs:
#
#   selftests/vm/run --kernel 6.12 -- selftests/unit/halbctl/capture-ipvsadm.sh
#
# Each output is printed between "=====BEGIN name" and "=====END rc=N".
# The table also has "-f 4294967295", which ipvsadm prints as "-1" (and
# cannot restore): drop those lines when updating expected/, see
# test_format.c mark_tests().  Expiry times depend on the run: the
# fixture in test_format.c build_c() carries the ones of the kept run.
set -u
for m in ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh ip_vs_mh ip_vs_wlc; do
	modprobe "$m" || exit 4
done
ip link set lo up
ip addr add 192.0.2.1/32 dev lo
ip -6 addr add 2001:db8::1/128 dev lo
sec() { echo "=====BEGIN $1"; shift; "$@" 2>&1; echo "=====END rc=$?"; }

ipvsadm -A -f 1 -s rr -p 600 -M 255.255.255.0
ipvsadm -a -f 1 -r 127.0.0.1:0 -m
ipvsadm -A -f 2 -6 -s sh -b sh-fallback,sh-port -p 300 -M 64
ipvsadm -a -f 2 -6 -r [2001:db8::2]:0 -g -w 2
ipvsadm -A -f 4294967295 -s mh -b mh-port
ipvsadm -A -f 3 -s wlc -o
ipvsadm -A -u 192.0.2.1:53 -s rr -o
ipvsadm -A -u 192.0.2.1:54 -s wrr -b flag-1,flag-2 -p -o
ipvsadm -A -t 192.0.2.1:80 -s sh -b sh-port
ipvsadm -A -t 192.0.2.1:81 -s rr -p 300
ipvsadm -a -t 192.0.2.1:81 -r 127.0.0.1:8081 -m
ipvsadm -A -f 5 -6 -s rr
ipvsadm -A -f 6 -6 -s rr -p
# ipvsadm's errors, for the wording halbctl follows
sec err-ops-tcp ipvsadm -A -t 192.0.2.1:82 -o
sec err-fwm0 ipvsadm -A -f 0
sec err-fwmbig ipvsadm -A -f 4294967296
sec err-flag ipvsadm -A -t 192.0.2.1:83 -s sh -b bogus
sec err-flagsched ipvsadm -A -t 192.0.2.1:83 -b sh-port
sec err-ops-list ipvsadm -L -o
sec err-conn-stats ipvsadm -L -c --stats
# traffic: a UDP datagram marked 1 (persistent fwmark service, template
# <IP, client/24, 0, mark, 0>) and a TCP SYN to the persistent port 81
/usr/bin/python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 36, 1)  # SO_MARK
s.sendto(b"hello", ("192.0.2.1", 5353))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.settimeout(1)
try:
    t.connect(("192.0.2.1", 81))
except OSError:
    pass
PY
sleep 1
sec list ipvsadm -Ln
sec save ipvsadm -S -n
sec rate ipvsadm -Ln --rate
sec stats ipvsadm -Ln --stats
sec thresholds ipvsadm -Ln --thresholds
sec pconn ipvsadm -Ln --persistent-conn
sec one-fwm ipvsadm -Ln -f 1
sec one-fwm6 ipvsadm -Ln -f 2 -6
sec conns ipvsadm -Lnc
sec conns-pc ipvsadm -Lnc --persistent-conn
sec proc cat /proc/net/ip_vs_conn
