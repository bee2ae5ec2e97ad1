#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A narrated walk-through of halb balancing real HTTP servers, the way the
# keepalived + LVS article does it: three web servers that name themselves,
# one virtual IP, round robin, then weights, then a server taken out, first
# with NAT and then with direct routing.  Runs in the guest, as root.
#
#   client c  --  director d (VIP 203.0.113.1, halb.ko)  --  br0  --  rs1 rs2 rs3
#                                                             \--  client c2 (DR)
set -u
. "$(dirname "$0")/../kmod/lib.sh"
BIN=$(mktemp -d /tmp/halb-demo-bin.XXXXXX)
gcc -O2 -o "$BIN/udptool" "$TOP/selftests/kmod/udptool.c"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
on() { local n=$1; shift; printf '[%s]$ %s\n' "$n" "$*"; ip netns exec "$NS_PREFIX-$n" "$@"; }

say "Building the network: a client, a director, three web servers on a LAN"
topo_up 3
rs_dr_setup
for i in 1 2 3; do on "rs$i" cat "$WORK/www$i/index.html"; done

say "Loading halb.ko"
run modprobe -a nf_reject_ipv4 nf_reject_ipv6
run insmod "$KO"
run ls /sys/module/halb/parameters/

say "NAT: one virtual service, three real servers, round robin (ipvsadm syntax)"
on d "$HALBCTL" -A -t $VIP4:80 -s rr
for i in 1 2 3; do on d "$HALBCTL" -a -t $VIP4:80 -r "$(rs_ip4 "$i")":80 -m -w 1; done
on d "$HALBCTL" -L -n

say "Six requests from the client, each a new connection"
on c curl -s -H 'Connection: close' http://$VIP4/ http://$VIP4/ http://$VIP4/ \
	http://$VIP4/ http://$VIP4/ http://$VIP4/

say "Weighted round robin 3:2:1, twelve requests"
on d "$HALBCTL" -E -t $VIP4:80 -s wrr
for i in 1 2 3; do on d "$HALBCTL" -e -t $VIP4:80 -r "$(rs_ip4 "$i")":80 -m -w $((4 - i)); done
CLIENT=c http_hits "http://$VIP4/" 12 | sort | uniq -c

say "rs2 leaves the pool; the others carry on"
on d "$HALBCTL" -d -t $VIP4:80 -r "$(rs_ip4 2)":80
CLIENT=c http_hits "http://$VIP4/" 6 | sort | uniq -c
on d "$HALBCTL" -L -n --stats
on d "$HALBCTL" -L -n -c | head -8

say "The same in JSON, for scripts"
on d "$HALBCTL" -L -n -j | head -c 600; echo

say "Direct routing (the article's lb_kind DR): the servers answer the client themselves"
on d "$HALBCTL" -C
on d "$HALBCTL" -A -t $VIP4:80 -s rr
for i in 1 2 3; do on d "$HALBCTL" -a -t $VIP4:80 -r "$(rs_ip4 "$i")":80 -g -w 1; done
on c2 curl -s -H 'Connection: close' http://$VIP4/ http://$VIP4/ http://$VIP4/
on d "$HALBCTL" -L -n --stats

say "IPv6 too"
on d "$HALBCTL" -A -t "[$VIP6]:80" -s rr
for i in 1 2 3; do on d "$HALBCTL" -a -t "[$VIP6]:80" -r "[$(rs_ip6 "$i")]:80" -m; done
on c curl -s -g -H 'Connection: close' "http://[$VIP6]/" "http://[$VIP6]/" "http://[$VIP6]/"

say "Unloading with connections still in the table"
run rmmod halb
echo "done."
rm -rf "$BIN"
