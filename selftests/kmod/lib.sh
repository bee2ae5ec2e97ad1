#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the guest selftests: KTAP output, polling, topology,
# the two control tools (IPVS's ipvsadm and halb's halbctl take the same
# command lines), real servers, and the kernel-log check.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${HALB_TEST_BIN:-$TOP/.build/test-bin}
KO=$TOP/.build/$(uname -r)/kmod/halb.ko
HALBCTL=$TOP/userspace/halbctl/halbctl
NS_PREFIX=${NS_PREFIX:-hl$$}
WORK=$(mktemp -d /tmp/halb-test.XXXXXX)

# --- KTAP -------------------------------------------------------------------
ktap_n=0 ktap_fail=0
ok() { ktap_n=$((ktap_n + 1)); echo "ok $ktap_n $*"; }
fail() { ktap_n=$((ktap_n + 1)); ktap_fail=$((ktap_fail + 1)); echo "not ok $ktap_n $*"; }
skip() { ktap_n=$((ktap_n + 1)); echo "ok $ktap_n $1 # SKIP $2"; }
# check NAME CMD...: one assertion, one result line
check() { local name=$1; shift; if "$@"; then ok "$name"; else fail "$name"; fi; }
diag() { echo "# $*"; }

# busywait TIMEOUT_MS CMD...: poll CMD until it succeeds
busywait() {
	local timeout=$1 start
	shift
	start=$(date +%s%3N)
	until "$@"; do
		[ $(($(date +%s%3N) - start)) -ge "$timeout" ] && return 1
		sleep 0.1
	done
}

# --- kernel log -------------------------------------------------------------
dmesg_mark() { dmesg | wc -l > "$WORK/dmesg.mark"; }
dmesg_clean() {
	local since bad
	since=$(cat "$WORK/dmesg.mark" 2>/dev/null || echo 0)
	bad=$(dmesg | tail -n +"$((since + 1))" |
	      grep -E 'WARNING:|BUG:|Oops|general protection|KFENCE|Poison overwritten|Redzone|list_(add|del) corruption|refcount_t:|UBSAN|KASAN' )
	[ -z "$bad" ] && return 0
	echo "$bad" | sed 's/^/# dmesg: /'
	return 1
}

# --- modules and tools ------------------------------------------------------
# halb.ko needs nf_reject_ipv4/6 (resets for the removed-server policy) and
# nf_defrag_ipv4/6 (reassembly before its hooks); modprobe resolves that on
# an installed system, insmod of a build does not.
load_halb() {
	lsmod | grep -q '^halb ' && return 0
	modprobe -a nf_reject_ipv4 nf_reject_ipv6 nf_defrag_ipv4 nf_defrag_ipv6 &&
		insmod "$KO"
}
unload_halb() { ! lsmod | grep -q '^halb ' || rmmod halb; }
load_ipvs() { modprobe -a ip_vs ip_vs_rr ip_vs_wrr; }

# adm BACKEND ARGS...: ipvsadm (IPVS) or halbctl (halb), same syntax,
# run in the director namespace
adm() {
	local backend=$1; shift
	case $backend in
	ipvs) ip netns exec "$NS_PREFIX-d" ipvsadm "$@" ;;
	halb) ip netns exec "$NS_PREFIX-d" "$HALBCTL" "$@" ;;
	esac
}

# --- topology ---------------------------------------------------------------
#
#   client c                 director d                        real servers
#   eth0 198.51.100.2 ---- eth0 198.51.100.1                    rs1 192.0.2.11
#        2001:db8:1::2          2001:db8:1::1                   rs2 192.0.2.12
#                          lo   VIP 203.0.113.1, 2001:db8:100::1  rs3 192.0.2.13
#                          eth1 192.0.2.1 ------ [ br0 in sw ] --+
#                               2001:db8:2::1                    2001:db8:2::1N
#
#   client c2 on br0: 192.0.2.100, 2001:db8:2::100, VIP routed via 192.0.2.1
#
# Real servers route everything through the director (NAT needs it).  DR is
# tested from c2, which shares the real servers' LAN as in the seed: the real
# servers answer it directly, holding the VIP on lo without answering ARP.
VIP4=203.0.113.1 VIP6=2001:db8:100::1
rs_ip4() { echo "192.0.2.1$1"; }
rs_ip6() { echo "2001:db8:2::1$1"; }

nsx() { local n=$1; shift; ip netns exec "$NS_PREFIX-$n" "$@"; }

topo_up() {
	local nrs=${1:-3} i
	modprobe -a veth bridge >/dev/null 2>&1
	for n in c c2 d sw; do ip netns add "$NS_PREFIX-$n"; nsx "$n" ip link set lo up; done
	ip link add eth0 netns "$NS_PREFIX-c" type veth peer name eth0 netns "$NS_PREFIX-d"
	nsx sw ip link add br0 type bridge
	nsx sw ip link set br0 up
	ip link add eth1 netns "$NS_PREFIX-d" type veth peer name dir0 netns "$NS_PREFIX-sw"
	nsx sw ip link set dir0 master br0 up
	ip link add eth0 netns "$NS_PREFIX-c2" type veth peer name c2 netns "$NS_PREFIX-sw"
	nsx sw ip link set c2 master br0 up
	nsx c2 ip addr add 192.0.2.100/24 dev eth0
	nsx c2 ip addr add 2001:db8:2::100/64 dev eth0 nodad
	nsx c2 ip link set eth0 up
	nsx c2 ip route add $VIP4/32 via 192.0.2.1
	nsx c2 ip -6 route add $VIP6/128 via 2001:db8:2::1
	nsx c ip addr add 198.51.100.2/24 dev eth0
	nsx c ip addr add 2001:db8:1::2/64 dev eth0 nodad
	nsx c ip link set eth0 up
	nsx c ip route add default via 198.51.100.1
	nsx c ip -6 route add default via 2001:db8:1::1
	nsx d ip addr add 198.51.100.1/24 dev eth0
	nsx d ip addr add 2001:db8:1::1/64 dev eth0 nodad
	nsx d ip addr add 192.0.2.1/24 dev eth1
	nsx d ip addr add 2001:db8:2::1/64 dev eth1 nodad
	nsx d ip addr add $VIP4/32 dev lo
	nsx d ip addr add $VIP6/128 dev lo
	nsx d ip link set eth0 up
	nsx d ip link set eth1 up
	nsx d sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	for i in $(seq 1 "$nrs"); do
		ip netns add "$NS_PREFIX-rs$i"
		nsx "rs$i" ip link set lo up
		ip link add eth0 netns "$NS_PREFIX-rs$i" type veth peer name rs$i netns "$NS_PREFIX-sw"
		nsx sw ip link set "rs$i" master br0 up
		nsx "rs$i" ip addr add "$(rs_ip4 "$i")/24" dev eth0
		nsx "rs$i" ip addr add "$(rs_ip6 "$i")/64" dev eth0 nodad
		nsx "rs$i" ip link set eth0 up
		nsx "rs$i" ip route add default via 192.0.2.1
		nsx "rs$i" ip -6 route add default via 2001:db8:2::1
		mkdir -p "$WORK/www$i"
		echo "rs$i" > "$WORK/www$i/index.html"
		head -c 300000 /dev/urandom > "$WORK/www$i/blob"
		nsx "rs$i" busybox httpd -p 80 -h "$WORK/www$i"
		nsx "rs$i" "$BIN/udptool" server 53 "rs$i" &
		disown
	done
	NRS=$nrs
}

# real servers accept the VIP locally without answering ARP/ND for it (DR)
rs_dr_setup() {
	local i
	for i in $(seq 1 "$NRS"); do
		nsx "rs$i" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
		nsx "rs$i" ip addr add $VIP4/32 dev lo
		nsx "rs$i" ip addr add $VIP6/128 dev lo
	done
}

# real servers also decapsulate IP-in-IP (TUN): tunl0 and ip6tnl0 up, and
# no reverse-path check on packets that arrive by the tunnel
rs_tun_setup() {
	local i
	modprobe -a ipip ip6_tunnel >/dev/null 2>&1
	for i in $(seq 1 "$NRS"); do
		nsx "rs$i" ip link set tunl0 up
		nsx "rs$i" ip link set ip6tnl0 up
		nsx "rs$i" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0
	done
}

topo_down() {
	local n
	for n in $(ip netns list | awk '{print $1}' | grep "^$NS_PREFIX-"); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$n"
	done
}

cleanup() {
	topo_down
	rm -rf "$WORK"
}
trap cleanup EXIT

# http_hits URL COUNT: COUNT requests, one connection each, from client
# $CLIENT (c or c2); prints the page bodies (one server name per line)
CLIENT=c
http_hits() {
	local url=$1 count=$2 args=() i
	for i in $(seq 1 "$count"); do args+=("$url"); done
	nsx "$CLIENT" curl -s -g --max-time 5 -H 'Connection: close' "${args[@]}"
}

# count_of NAME < lines: how many lines equal NAME
count_of() { grep -cx "$1" || true; }

# --- bulk transfers, fragments, offloads ------------------------------------
# A 2 MB file for bulk transfers: $WORK/bulk.
BULK_SIZE=${HALB_BULK_SIZE:-2000000}
make_bulk() { [ -s "$WORK/bulk" ] || head -c "$BULK_SIZE" /dev/urandom > "$WORK/bulk"; }

# tcp_echo_servers NS...: a TCP echo server on port 9000 (v4 and v6) in each
tcp_echo_servers() {
	local n
	for n in "$@"; do
		nsx "$n" socat TCP6-LISTEN:9000,ipv6only=0,reuseaddr,fork EXEC:cat &
		disown
	done
}
# udp_echo_servers NS...: udptool's echo of big datagrams on port 5400
udp_echo_servers() {
	local n
	for n in "$@"; do
		nsx "$n" "$BIN/udptool" echo 5400 &
		disown
	done
}
# listening NS PROTO PORT: a socket listens there (servers start in the
# background)
listening() { nsx "$1" ss -Hln"${2:0:1}" "sport = :$3" | grep -q .; }

# tcp_echo NS ADDR [PORT]: send $WORK/bulk to ADDR:PORT (9000) from
# namespace NS and read back the echo into $WORK/echo; true if it is the
# same, byte for byte
tcp_echo() {
	local addr=$2
	[[ $addr == *:* ]] && addr="[$addr]"
	rm -f "$WORK/echo"
	nsx "$1" timeout 120 socat -t 60 -T 60 STDIO "TCP:$addr:${3:-9000}" \
		< "$WORK/bulk" > "$WORK/echo" 2>/dev/null
	cmp -s "$WORK/bulk" "$WORK/echo"
}

# csum_errors NS: checksum errors the namespace's stack has counted (IP,
# TCP, UDP, ICMP; IPv4 and IPv6)
csum_errors() {
	nsx "$1" awk '
		/^[A-Za-z0-9]+: / {
			if (!($1 in names)) { names[$1] = $0; next }
			n = split(names[$1], f)
			for (i = 2; i <= n; i++) if (f[i] ~ /InCsumErrors$/) s += $i
			delete names[$1]; next
		}
		$1 ~ /InCsumErrors$/ { s += $2 }
		END { print s + 0 }' /proc/net/snmp /proc/net/netstat /proc/net/snmp6
}

# bad_csum_counted FROM-NS TO-NS ADDR: a UDP datagram with a wrong checksum
# sent from FROM-NS to ADDR (port 5400) is counted by TO-NS: the
# checksum-error counters the offload checks rely on do work
bad_csum_counted() {
	local before
	before=$(csum_errors "$2")
	nsx "$1" python3 - "$3" <<-'EOF'
	import sys
	from scapy.all import IP, IPv6, UDP, Raw, send, conf
	conf.verb = 0
	a = sys.argv[1]
	l3 = IPv6(dst=a) if ":" in a else IP(dst=a)
	send(l3 / UDP(sport=4321, dport=5400, chksum=0x1234) / Raw(b"x" * 64))
	EOF
	counted() { [ "$(csum_errors "$1")" -gt "$2" ]; }
	busywait 5000 counted "$2" "$before"
}

# features NS DEV SETTINGS...: ethtool -K (feature_on checks the result)
features() {
	local n=$1 d=$2
	shift 2
	nsx "$n" ethtool -K "$d" "$@" >/dev/null 2>&1
}
# feature_on NS DEV NAME: an ethtool -k feature is on
feature_on() { nsx "$1" ethtool -k "$2" | grep -q "^$3: on"; }

# port_unreach FAMILY ADDR: from c, a connected UDP socket to ADDR:5399
# learns that nobody listens: prints refused, answered or timeout
port_unreach() {
	nsx c python3 - "$1" "$2" <<-'EOF'
	import socket, sys
	fam = socket.AF_INET if sys.argv[1] == "4" else socket.AF_INET6
	s = socket.socket(fam, socket.SOCK_DGRAM)
	s.settimeout(3)
	s.connect((sys.argv[2], 5399))
	for _ in range(3):
	    try:
	        s.send(b"x")
	        s.recv(10)
	        print("answered")
	        break
	    except ConnectionRefusedError:
	        print("refused")
	        break
	    except socket.timeout:
	        pass
	else:
	    print("timeout")
	EOF
}
