#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Part 2 of the demo (after seed.sh): halbctl by hand, with ipvsadm's
# syntax, on a separate director: NAT with rr then wrr, the JSON listing,
# IPv6, and rmmod with connections still in the table.  Every step checks
# what it narrates; the exit status is non-zero if one did not happen.
# Runs in the guest, as root.
#
#   client c  --  director d (VIP 203.0.113.1, halb.ko)  --  br0  --  rs1 rs2 rs3
set -u
. "$(dirname "$0")/../kmod/lib.sh"
if [ ! -x "$BIN/udptool" ]; then	# selftests/demo/run builds it on the host
	BIN=$WORK/bin
	mkdir -p "$BIN"
	gcc -O2 -o "$BIN/udptool" "$TOP/selftests/kmod/udptool.c"
fi

bad_n=0
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '\033[2m#\033[0m %s\n' "$*"; "$@"; }
on() {
	local n=$1; shift
	printf '\033[2m[%s]#\033[0m %s\n' "$n" "$*"
	[ "$1" = halbctl ] && set -- "$HALBCTL" "${@:2}"
	ip netns exec "$NS_PREFIX-$n" "$@"
}
expect() {
	local what=$1
	shift
	if "$@"; then printf '   \033[32m✔ %s\033[0m\n' "$what"
	else bad_n=$((bad_n + 1)); printf '   \033[31m✘ %s: NOT AS NARRATED\033[0m\n' "$what"
	fi
}
counts() { sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }'; }

say "Part 2: halbctl by hand, ipvsadm's syntax (NAT, wrr, JSON, IPv6)"
topo_up 3
if lsmod | grep -q '^halb '; then
	echo "   halb.ko is loaded (part 1)"
else
	run modprobe -a nf_reject_ipv4 nf_reject_ipv6 nf_defrag_ipv4 nf_defrag_ipv6
	run insmod "$KO"
fi

say "NAT: one virtual service, three real servers, round robin"
on d halbctl -A -t $VIP4:80 -s rr
for i in 1 2 3; do on d halbctl -a -t $VIP4:80 -r "$(rs_ip4 "$i")":80 -m -w 1; done
on d halbctl -L -n
out=$(CLIENT=c http_hits "http://$VIP4/" 6)
echo "$out" | counts; echo
expect "six requests, two on each server" eval '[ "$(counts <<<"$out")" = "rs1:2 rs2:2 rs3:2 " ]'

say "Weighted round robin 3:2:1, twelve requests"
on d halbctl -E -t $VIP4:80 -s wrr
for i in 1 2 3; do on d halbctl -e -t $VIP4:80 -r "$(rs_ip4 "$i")":80 -m -w $((4 - i)); done
out=$(CLIENT=c http_hits "http://$VIP4/" 12)
echo "$out" | counts; echo
expect "6, 4 and 2 requests" eval '[ "$(counts <<<"$out")" = "rs1:6 rs2:4 rs3:2 " ]'
on d halbctl -L -n --stats

say "The same in JSON, for scripts"
printf '\033[2m[d]#\033[0m halbctl -L -n -j\n'
nsx d "$HALBCTL" -L -n -j > "$WORK/list.json"
head -c 400 "$WORK/list.json"; echo " ..."
expect "valid JSON, three real servers" \
	eval '[ "$(jq ".services[0].dests | length" "$WORK/list.json")" = 3 ]'

say "IPv6 too"
on d halbctl -A -t "[$VIP6]:80" -s rr
for i in 1 2 3; do on d halbctl -a -t "[$VIP6]:80" -r "[$(rs_ip6 "$i")]:80" -m; done
out=$(CLIENT=c http_hits "http://[$VIP6]/" 3)
echo "$out" | counts; echo
expect "three requests over IPv6, one on each server" eval '[ "$(counts <<<"$out")" = "rs1:1 rs2:1 rs3:1 " ]'

say "Unloading with connections still in the table"
on d halbctl -L -n -c | head -4
run rmmod halb
expect "halb.ko unloaded" eval '! lsmod | grep -q "^halb "'
say "Part 2: $([ "$bad_n" = 0 ] && echo "every step as narrated" || echo "$bad_n step(s) NOT as narrated")"
[ "$bad_n" = 0 ]
