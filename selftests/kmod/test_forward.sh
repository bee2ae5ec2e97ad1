#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT, DR and TUN (IP-in-IP) forwarding, IPv4 and IPv6, TCP and UDP, rr and wrr, run the same
# way against the kernel's IPVS (the reference) and halb, in the same boot.
# Each result is checked against the expected exact distribution, then
# IPVS's and halb's results are compared with each other.  Also: UDP
# datagrams larger than the MTU (sent in fragments, reassembled before the
# lookup, fragmented again on the way out, answered in fragments), TCP
# bulk both ways with the offloads on, and a route change under a real
# server's cached route (NAT, DR, TUN).
#
#   client c ---- eth0 [director d] eth1 ---- dir0 [ br0 in sw ] rs1 ---- eth0 real server 1
#                 GRO on            GRO on               c2 rs2 rs3 ...
#                 tx csum off                            tx csum off on the ports to c2 and rs*
#   client c2 ---------------------------------------------+
#
# Offloads: every veth has its defaults (TSO/GSO, checksum offload) and GRO
# on, so clients and real servers send GSO super-packets with
# CHECKSUM_PARTIAL through the director's rewrite.  Only the last hop into
# a receiver (d's eth0 towards c, sw's ports towards c2 and the real
# servers) computes checksums in software, so that a wrong one reaches the
# receiving stack, which counts it (*InCsumErrors) and drops the packet.
# Addresses: lib.sh.
. "$(dirname "$0")/lib.sh"

BACKENDS=${HALB_BACKENDS:-ipvs halb}
topo_up 3
rs_dr_setup
rs_tun_setup
make_bulk
tcp_echo_servers rs1 rs2 rs3
udp_echo_servers rs1 rs2 rs3
for n in c c2 rs1 rs2 rs3; do features $n eth0 gro on; done
features d eth0 gro on tx off
features d eth1 gro on
for p in c2 rs1 rs2 rs3; do features sw $p tx off; done
offloads_ok() {
	feature_on c eth0 tcp-segmentation-offload && feature_on rs1 eth0 tcp-segmentation-offload &&
	feature_on c eth0 tx-checksumming && feature_on d eth1 tx-checksumming &&
	feature_on d eth0 generic-receive-offload && feature_on d eth1 generic-receive-offload &&
	! feature_on d eth0 tx-checksumming && ! feature_on sw rs1 tx-checksumming
}
check "offloads: TSO, checksum offload and GRO on; software checksums on the last hops" offloads_ok
echo_up() { listening rs3 tcp 9000 && listening rs3 udp 5400; }
check "echo servers listen on the real servers" busywait 10000 echo_up
check "a receiver counts a datagram with a bad checksum (the offload checks can fail)" \
	bad_csum_counted c2 rs1 "$(rs_ip4 1)"
dmesg_mark

vip_url() { if [ "$1" = 4 ]; then echo "http://$VIP4"; else echo "http://[$VIP6]"; fi; }
vip() { if [ "$1" = 4 ]; then echo "$VIP4"; else echo "[$VIP6]"; fi; }
vip_bare() { if [ "$1" = 4 ]; then echo "$VIP4"; else echo "$VIP6"; fi; }
rs() { if [ "$1" = 4 ]; then rs_ip4 "$2"; else echo "[$(rs_ip6 "$2")]"; fi; }

# dist BACKEND MODE FAM WHAT: "n1 n2 n3" from the lines on stdin
dist() { local l; l=$(cat); echo "$(count_of rs1 <<<"$l") $(count_of rs2 <<<"$l") $(count_of rs3 <<<"$l")"; }

record() { echo "$4" > "$WORK/result.$1.$2.$3"; }

# mode_flag MODE: ipvsadm's forwarding flag; mode_client MODE: the client
# that reaches the VIP through the director (NAT: c, beyond it; DR and TUN:
# c2, on the real servers' LAN, which they answer directly)
mode_flag() { case $1 in nat) echo -m ;; dr) echo -g ;; tun) echo -i ;; esac; }
mode_client() { case $1 in nat) echo c ;; *) echo c2 ;; esac; }

run_case() {
	local be=$1 mode=$2 fam=$3 flag out got blob_ok i
	local name="$be $mode ipv$fam"
	flag=$(mode_flag "$mode") CLIENT=$(mode_client "$mode")

	adm "$be" -C
	adm "$be" -A -t "$(vip "$fam"):80" -s rr &&
	adm "$be" -A -u "$(vip "$fam"):53" -s rr || { fail "$name: add services"; return; }
	for i in 1 2 3; do
		adm "$be" -a -t "$(vip "$fam"):80" -r "$(rs "$fam" "$i"):80" $flag -w 1 &&
		adm "$be" -a -u "$(vip "$fam"):53" -r "$(rs "$fam" "$i"):53" $flag -w 1 ||
			{ fail "$name: add real servers"; return; }
	done

	got=$(http_hits "$(vip_url "$fam")/" 9 | dist)
	record "$be" "$mode$fam" tcp-rr "$got"
	check "$name: TCP rr spreads 9 requests 3/3/3 (got $got)" [ "$got" = "3 3 3" ]

	got=$(nsx "$CLIENT" "$BIN/udptool" client "$(vip_bare "$fam")" 53 9 | dist)
	record "$be" "$mode$fam" udp-rr "$got"
	check "$name: UDP rr spreads 9 flows 3/3/3 (got $got)" [ "$got" = "3 3 3" ]

	nsx "$CLIENT" curl -s -g --max-time 30 -o "$WORK/blob.$be" "$(vip_url "$fam")/blob"
	blob_ok=false
	for i in 1 2 3; do cmp -s "$WORK/blob.$be" "$WORK/www$i/blob" && blob_ok=true; done
	check "$name: 300 kB TCP payload identical byte for byte" $blob_ok

	adm "$be" -E -t "$(vip "$fam"):80" -s wrr &&
	for i in 1 2 3; do
		adm "$be" -e -t "$(vip "$fam"):80" -r "$(rs "$fam" "$i"):80" $flag -w $((4 - i)) || return 1
	done || { fail "$name: switch to wrr"; return; }
	got=$(http_hits "$(vip_url "$fam")/" 12 | dist)
	record "$be" "$mode$fam" tcp-wrr "$got"
	check "$name: TCP wrr 3:2:1 gives 6/4/2 of 12 (got $got)" [ "$got" = "6 4 2" ]

	[ "$mode$fam" = nat4 ] && lc_family "$be"
	big_udp "$be" "$mode" "$fam" "$flag"
	offload_echo "$be" "$mode" "$fam" "$flag"

	out=$(adm "$be" -L -n --stats)
	check "$name: listing shows the service" grep -qF "TCP  $(vip "$fam"):80" <<<"$out"
	adm "$be" -C
}

# UDP datagrams larger than the MTU: the client's stack sends them in
# fragments, the director must put each together before its lookup and
# forward it (in fragments again), the real server checks the pattern and
# echoes it (in fragments), and the client compares what came back.
big_udp() {
	local be=$1 mode=$2 fam=$3 flag=$4 name="$1 $2 ipv$3" i size got
	adm "$be" -A -u "$(vip "$fam"):5400" -s rr || { fail "$name: add big-UDP service"; return; }
	for i in 1 2 3; do
		adm "$be" -a -u "$(vip "$fam"):5400" -r "$(rs "$fam" "$i"):5400" $flag ||
			{ fail "$name: add big-UDP real servers"; return; }
	done
	for size in 4000 30000; do
		got=$(nsx "$CLIENT" "$BIN/udptool" big "$(vip_bare "$fam")" 5400 $size 3 |
		      sort | uniq -c | xargs)
		record "$be" "$mode$fam" "udp-big$size" "$got"
		check "$name: 3 UDP datagrams of $size bytes (fragments) reach a real server and come back intact (got $got)" \
			[ "$got" = "3 ok" ]
	done
}

# all_csum_errors: checksum errors counted by every receiver
all_csum_errors() {
	local n sum=0
	for n in c c2 rs1 rs2 rs3; do sum=$((sum + $(csum_errors $n))); done
	echo $sum
}

# in_avg BACKEND SERVICE: bytes per packet the service took in
in_avg() {
	adm "$1" -L -n --stats --exact | awk -v s="$2" '$2 == s && $4 > 0 { print int($6 / $4) }'
}

# A 2 MB echo over TCP with the offloads on: the client's data (GSO) goes
# through the director, the echo comes back through it (NAT) or directly.
offload_echo() {
	local be=$1 mode=$2 fam=$3 flag=$4 name="$1 $2 ipv$3" i before after avg
	adm "$be" -A -t "$(vip "$fam"):9000" -s rr || { fail "$name: add echo service"; return; }
	for i in 1 2 3; do
		adm "$be" -a -t "$(vip "$fam"):9000" -r "$(rs "$fam" "$i"):9000" $flag ||
			{ fail "$name: add echo real servers"; return; }
	done
	before=$(all_csum_errors)
	check "$name offloads: $((BULK_SIZE / 1000)) kB TCP echo identical byte for byte" \
		tcp_echo "$CLIENT" "$(vip_bare "$fam")"
	after=$(all_csum_errors)
	check "$name offloads: no checksum errors at the receivers ($before -> $after)" \
		[ "$after" = "$before" ]
	avg=$(in_avg "$be" "$(vip "$fam"):9000")
	check "$name offloads: GSO packets went through the director (${avg:-no} bytes per packet in)" \
		[ "${avg:-0}" -gt 1500 ]
}

# The least-connection schedulers, each on a fresh UDP service (so no earlier
# connection weighs on the choice), weights 3:2:1, and ipvsadm's default
# scheduler when -s is not given.
lc_family() {
	local be=$1 port=5300 s i got
	for s in lc wlc sed nq; do
		port=$((port + 1))
		adm "$be" -A -u "$VIP4:$port" -s $s || { fail "$be: add $s service"; continue; }
		for i in 1 2 3; do
			adm "$be" -a -u "$VIP4:$port" -r "$(rs_ip4 "$i"):53" -m -w $((4 - i))
		done
		got=$(nsx c "$BIN/udptool" client $VIP4 $port 6 | dist)
		record "$be" nat4 "udp-$s" "$got"
		check "$be nat ipv4: UDP $s over weights 3:2:1, 6 flows (got $got)" \
			[ "$(( ${got// /+} ))" = 6 ]
	done
	adm "$be" -A -t "$VIP4:8080"
	check "$be: a service added without -s gets ipvsadm's default, wlc" \
		grep -qE "^TCP  $VIP4:8080 wlc" <<<"$(adm "$be" -L -n)"
}

# A route change takes effect at once: a real server's route is cached
# (per real server, per CPU), and must be dropped as soon as the director's
# routing changes.  Flows to the one real server, then a "prohibit" route to
# it (new flows must not reach it), then the route back.
route_change() {
	local be=$1 mode=$2 fam=$3 name="$1 $2 ipv$3" flag rsa got ip=(ip)
	flag=$(mode_flag "$mode") CLIENT=$(mode_client "$mode")
	[ "$fam" = 6 ] && ip=(ip -6)
	rsa=$(rs_ip"$fam" 1)
	adm "$be" -A -u "$(vip "$fam"):53" -s rr &&
	adm "$be" -a -u "$(vip "$fam"):53" -r "$(rs "$fam" 1):53" $flag ||
		{ fail "$name: add the route-change service"; return; }
	got=$(nsx "$CLIENT" "$BIN/udptool" client "$(vip_bare "$fam")" 53 2 | xargs)
	check "$name route change: 2 flows reach rs1 (got $got)" [ "$got" = "rs1 rs1" ]
	nsx d "${ip[@]}" route add prohibit "$rsa" &&
	got=$(nsx "$CLIENT" "$BIN/udptool" client "$(vip_bare "$fam")" 53 2 | xargs)
	check "$name route change: with rs1's route prohibited, no flow reaches it (got $got)" \
		eval '[ -n "$got" ] && [[ " $got " != *" rs1 "* ]]'
	nsx d "${ip[@]}" route del prohibit "$rsa" &&
	got=$(nsx "$CLIENT" "$BIN/udptool" client "$(vip_bare "$fam")" 53 2 | xargs)
	check "$name route change: the route back, flows reach rs1 again (got $got)" \
		[ "$got" = "rs1 rs1" ]
	adm "$be" -C
}

for be in $BACKENDS; do
	case $be in
	ipvs) load_ipvs || { fail "load ip_vs"; continue; } ;;
	halb) load_halb || { fail "load halb.ko"; continue; } ;;
	esac
	for mode in nat dr tun; do
		for fam in 4 6; do
			run_case "$be" "$mode" "$fam"
			route_change "$be" "$mode" "$fam"
		done
	done
done

# IPVS is the reference: every distribution must be the same
if [ "$BACKENDS" = "ipvs halb" ]; then
	for f in "$WORK"/result.ipvs.*; do
		key=${f#"$WORK"/result.ipvs.}
		check "IPVS and halb agree on $key ($(cat "$f") vs $(cat "$WORK/result.halb.$key" 2>/dev/null))" \
			cmp -s "$f" "$WORK/result.halb.$key"
	done
fi
check "kernel log clean after forwarding tests" dmesg_clean
[ "$ktap_fail" = 0 ]
