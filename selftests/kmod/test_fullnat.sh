#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# FULLNAT forwarding, IPv4 and IPv6, TCP and UDP, in a routed topology, and
# the client address carried to the real servers by TOA (read back through
# halb_toa.ko) and by PROXY protocol v2 (read by nginx).  Then, for every
# client-address method: TCP bulk with the offloads on (GSO, checksum
# offload, GRO), UDP datagrams larger than the MTU, ICMP errors both ways
# and path MTU discovery through a small link on either side.
#
#   client c2 203.0.113.66 ---- eth1 [client c, a router here] eth0
#             2001:db8:4::66    MTU 1280 (case B)   198.51.100.2, 2001:db8:1::2
#                                                                 |
#   director d            eth0 198.51.100.1, 2001:db8:1::1 -------+
#                         lo    VIP 203.0.113.1, 2001:db8:100::1
#                         dummy0 203.0.113.48/29 (a local address that is
#                                only routed here: replies go via FORWARD)
#                         eth1 192.0.2.1/25 ------ eth0 192.0.2.2/25  router r
#                              2001:db8:2::1/64         2001:db8:2::2/64
#                              laddrs 192.0.2.10-12     br0 192.0.2.129/25 --+-- rs1 192.0.2.131
#                                     2001:db8:2::10-11     2001:db8:3::1/64  +-- rs2 192.0.2.132
#                                                           MTU 1280 (case A)      2001:db8:3::1N
#
# Three subnets: the client's, the director-router link, the real servers'.
# The real servers route only 192.0.2.0/25, 203.0.113.48/29 and
# 2001:db8:2::/64 (the local addresses) via the router: they have no route
# to the client at all.  c2's network is routed via c by the director.
#
# Path MTU, case A: r's br0 takes 1280, so r tells the local address about
# a client's large packet and the director tells the client (as the VIP).
# Case B: c's link to c2 takes 1280, so c tells the VIP about a real
# server's large reply and the director tells the real server (as the
# local address).
#
# Offloads: GRO on every receiving veth, TSO/GSO and checksum offload on
# the senders; the last hop into a receiver (d's eth0 towards c, r's ports
# towards the real servers) computes checksums in software, so that a
# wrong one is counted (*InCsumErrors) and dropped by the receiving stack.
. "$(dirname "$0")/lib.sh"

TOA_KO=$TOP/.build/$(uname -r)/kmod/toa/halb_toa.ko
LA4=192.0.2.10 LA4B=192.0.2.11 LA4X=192.0.2.12 LA4FWD=203.0.113.50
LA6=2001:db8:2::10 LA6B=2001:db8:2::11
CL4=198.51.100.2 CL6=2001:db8:1::2
C2_4=203.0.113.66 C2_6=2001:db8:4::66
rs4() { echo "192.0.2.13$1"; }
rs6() { echo "2001:db8:3::1$1"; }
P=/sys/module/halb/parameters

fnat_topo_up() {
	local i
	modprobe -a veth bridge dummy >/dev/null 2>&1
	for n in c d r; do ip netns add "$NS_PREFIX-$n"; nsx "$n" ip link set lo up; done
	ip link add eth0 netns "$NS_PREFIX-c" type veth peer name eth0 netns "$NS_PREFIX-d"
	ip link add eth1 netns "$NS_PREFIX-d" type veth peer name eth0 netns "$NS_PREFIX-r"
	nsx c ip addr add $CL4/24 dev eth0
	nsx c ip addr add $CL6/64 dev eth0 nodad
	nsx c ip link set eth0 up
	nsx c ip route add default via 198.51.100.1
	nsx c ip -6 route add default via 2001:db8:1::1
	nsx d ip addr add 198.51.100.1/24 dev eth0
	nsx d ip addr add 2001:db8:1::1/64 dev eth0 nodad
	nsx d ip addr add 192.0.2.1/25 dev eth1
	nsx d ip addr add 2001:db8:2::1/64 dev eth1 nodad
	for a in $LA4 $LA4B $LA4X; do nsx d ip addr add $a/25 dev eth1; done
	for a in $LA6 $LA6B; do nsx d ip addr add $a/64 dev eth1 nodad; done
	nsx d ip addr add $VIP4/32 dev lo
	nsx d ip addr add $VIP6/128 dev lo
	nsx d ip link add dummy0 type dummy
	nsx d ip link set dummy0 up
	nsx d ip route add 203.0.113.48/29 dev dummy0
	nsx d ip link set eth0 up
	nsx d ip link set eth1 up
	nsx d ip route add 192.0.2.128/25 via 192.0.2.2
	nsx d ip -6 route add 2001:db8:3::/64 via 2001:db8:2::2
	nsx d sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	nsx r ip addr add 192.0.2.2/25 dev eth0
	nsx r ip addr add 2001:db8:2::2/64 dev eth0 nodad
	nsx r ip link set eth0 up
	nsx r ip link add br0 type bridge
	nsx r ip addr add 192.0.2.129/25 dev br0
	nsx r ip addr add 2001:db8:3::1/64 dev br0 nodad
	nsx r ip link set br0 up
	nsx r ip route add 203.0.113.48/29 via 192.0.2.1
	nsx r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	# c2 behind c
	ip netns add "$NS_PREFIX-c2"
	nsx c2 ip link set lo up
	ip link add eth1 netns "$NS_PREFIX-c" type veth peer name eth0 netns "$NS_PREFIX-c2"
	nsx c ip addr add 203.0.113.65/26 dev eth1
	nsx c ip addr add 2001:db8:4::1/64 dev eth1 nodad
	nsx c ip link set eth1 up
	nsx c sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	nsx c2 ip addr add $C2_4/26 dev eth0
	nsx c2 ip addr add $C2_6/64 dev eth0 nodad
	nsx c2 ip link set eth0 up
	nsx c2 ip route add default via 203.0.113.65
	nsx c2 ip -6 route add default via 2001:db8:4::1
	nsx d ip route add 203.0.113.64/26 via $CL4
	nsx d ip -6 route add 2001:db8:4::/64 via $CL6
	for i in 1 2; do
		ip netns add "$NS_PREFIX-rs$i"
		nsx "rs$i" ip link set lo up
		ip link add eth0 netns "$NS_PREFIX-rs$i" type veth peer name rs$i netns "$NS_PREFIX-r"
		nsx r ip link set "rs$i" master br0 up
		nsx "rs$i" ip addr add "$(rs4 $i)/25" dev eth0
		nsx "rs$i" ip addr add "$(rs6 $i)/64" dev eth0 nodad
		nsx "rs$i" ip link set eth0 up
		nsx "rs$i" ip route add 192.0.2.0/25 via 192.0.2.129
		nsx "rs$i" ip route add 203.0.113.48/29 via 192.0.2.129
		nsx "rs$i" ip -6 route add 2001:db8:2::/64 via 2001:db8:3::1
		mkdir -p "$WORK/www$i/up" "$WORK/ngx$i"
		echo "rs$i" > "$WORK/www$i/index.html"
		head -c 400000 /dev/urandom > "$WORK/www$i/blob"
		nsx "rs$i" busybox httpd -p 80 -h "$WORK/www$i"
		nsx "rs$i" "$BIN/udptool" server 53 "rs$i" &
		disown
		nginx_conf "$i" > "$WORK/ngx$i/nginx.conf"
		nsx "rs$i" nginx -c "$WORK/ngx$i/nginx.conf" -e "$WORK/ngx$i/error.log"
	done
	# the same file on both, for uploads
	head -c 400000 /dev/urandom > "$WORK/up.bin"
	make_bulk
	cp "$WORK/bulk" "$WORK/www1/bulk"
	cp "$WORK/bulk" "$WORK/www2/bulk"
	# TCP echo (9000), the same past a PROXY v2 header of IPv4 (9028)
	# or IPv6 (9052), big-UDP echo (5400)
	tcp_echo_servers rs1 rs2
	for i in 1 2; do
		for n in 28 52; do
			nsx "rs$i" socat TCP6-LISTEN:90$n,ipv6only=0,reuseaddr,fork \
				SYSTEM:"dd bs=1 count=$n status=none of=/dev/null; exec cat" &
			disown
		done
	done
	udp_echo_servers rs1 rs2
}

# nginx on a real server: 8080 plain (TOA), 8081 PROXY protocol; both log
# the client as they see it and take PUT uploads under /up/
nginx_conf() {
	local i=$1 d=$WORK/ngx$1
	cat <<EOF
user root;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 256; }
http {
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	client_max_body_size 10m;
	log_format peer '\$remote_addr \$remote_port';
	log_format pp '\$proxy_protocol_addr \$proxy_protocol_port \$remote_addr';
	server {
		listen 8080; listen [::]:8080;
		root $WORK/www$i;
		access_log $d/toa.log peer;
		location /up/ { dav_methods PUT; }
	}
	server {
		listen 8081 proxy_protocol; listen [::]:8081 proxy_protocol;
		root $WORK/www$i;
		access_log $d/pp.log pp;
		location /up/ { dav_methods PUT; }
	}
}
EOF
}

url() { if [ "$1" = 4 ]; then echo "http://$VIP4:$2"; else echo "http://[$VIP6]:$2"; fi; }
vip() { if [ "$1" = 4 ]; then echo "$VIP4"; else echo "[$VIP6]"; fi; }
vip_bare() { if [ "$1" = 4 ]; then echo "$VIP4"; else echo "$VIP6"; fi; }
rs() { if [ "$1" = 4 ]; then rs4 "$2"; else echo "[$(rs6 "$2")]"; fi; }
cl() { if [ "$1" = 4 ]; then echo "$CL4"; else echo "$CL6"; fi; }
la() { if [ "$1" = 4 ]; then echo "--laddr $LA4 --laddr $LA4B"; else echo "--laddr $LA6 --laddr $LA6B"; fi; }
dist() { local l; l=$(cat); echo "$(count_of rs1 <<<"$l") $(count_of rs2 <<<"$l")"; }
info() { adm halb -L -n --json | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['info']['$1'])"; }
blob_ok() { cmp -s "$1" "$WORK/www1/blob" || cmp -s "$1" "$WORK/www2/blob"; }

# service FAM PORT PROTO-FLAG RSPORT [halbctl options...]: a FULLNAT service
service() {
	local fam=$1 port=$2 pf=$3 rport=$4 i
	shift 4
	# shellcheck disable=SC2046
	adm halb -A "$pf" "$(vip "$fam"):$port" -s rr $(la "$fam") "$@" || return 1
	for i in 1 2; do
		adm halb -a "$pf" "$(vip "$fam"):$port" -r "$(rs "$fam" $i):$rport" -b || return 1
	done
}

fnat_topo_up
load_halb || { fail "load halb.ko"; exit 1; }
# halb_toa.ko hooks the TCP stack with kprobes: a kernel built without them
# (the small debug kernel of make check-debug) cannot load it
have_toa=false
if ! grep -qw register_kprobe /proc/kallsyms; then
	skip "load halb_toa.ko" "kernel $(uname -r) has no kprobes (CONFIG_KPROBES), which halb_toa.ko needs"
elif insmod "$TOA_KO"; then
	have_toa=true
else
	fail "load halb_toa.ko"
fi
dmesg_mark
# short timeouts, so that the release of every port can be watched
TIMEOUTS="udp_timeout tcp_timeout_time_wait tcp_timeout_close tcp_timeout_fin_wait
	  tcp_timeout_last_ack tcp_timeout_close_wait"
for t in $TIMEOUTS; do cat $P/$t > "$WORK/param.$t"; echo 3 > $P/$t; done

no_route() { ! nsx rs1 ip route get $CL4 >/dev/null 2>&1 && ! nsx rs1 ip -6 route get $CL6 >/dev/null 2>&1; }
check "real servers have no route to the client" no_route

for fam in 4 6; do
	service $fam 80 -t 80 && service $fam 53 -u 53 ||
		{ fail "ipv$fam: add FULLNAT services"; continue; }
	got=$(http_hits "$(url $fam 80)/" 6 | dist)
	check "ipv$fam TCP: rr spreads 6 requests 3/3 over FULLNAT (got $got)" [ "$got" = "3 3" ]
	got=$(nsx c "$BIN/udptool" client "$(vip_bare $fam)" 53 6 | dist)
	check "ipv$fam UDP: rr spreads 6 flows 3/3 over FULLNAT (got $got)" [ "$got" = "3 3" ]
	# paced, so that its entry is there to be listed meanwhile
	nsx c curl -s -g --max-time 60 --limit-rate 60k -o "$WORK/blob.$fam" \
		"$(url $fam 80)/blob" &
	if [ $fam = 4 ]; then want="($LA4|$LA4B)"; else want="($LA6|$LA6B)"; fi
	listed() { adm halb -L -n -c --json | grep -qE "\"local_address\": \"$want\""; }
	check "ipv$fam: connection entries carry a local address" busywait 15000 listed
	wait $!
	check "ipv$fam TCP: 400 kB download identical byte for byte" blob_ok "$WORK/blob.$fam"
done

out=$(adm halb -L -n)
check "listing shows the local addresses" grep -qF "laddr $LA4,$LA4B" <<<"$out"
out=$(adm halb -S -n)
check "-S saves the local addresses" grep -qF -- "--laddr $LA6 --laddr $LA6B" <<<"$out"

# bad lists are refused with the kernel's reason, and change nothing
out=$(adm halb -A -t $VIP4:82 --laddr $LA4 --laddr $LA4 2>&1)
check "a local address given twice is refused" grep -q "local address given twice" <<<"$out"
out=$(adm halb -A -t $VIP4:82 --laddr 224.0.0.5 2>&1)
check "a multicast local address is refused" grep -q "unicast" <<<"$out"
no82() { ! adm halb -L -n | grep -q ":82 "; }
check "refused requests created no service" no82

# a local address only routed to the director: replies are taken at FORWARD
adm halb -A -t $VIP4:81 -s rr --laddr $LA4FWD &&
	adm halb -a -t $VIP4:81 -r "$(rs4 1):80" -b
got=$(http_hits "http://$VIP4:81/" 3 | dist)
check "routed (non-local) local address: replies rewritten at FORWARD (got $got)" [ "$got" = "3 0" ]

# --- client address: TOA, read back by halb_toa.ko under nginx ------------
for fam in 4 6; do
	service $fam 8080 -t 8080 --client-addr toa || { fail "ipv$fam: add TOA service"; continue; }
	http_hits "$(url $fam 8080)/" 4 >/dev/null
	log=$(cat "$WORK"/ngx*/toa.log 2>/dev/null)
	n=$(grep -c "^$(cl $fam) " <<<"$log")
	if $have_toa; then
		check "ipv$fam TOA: nginx sees the client $(cl $fam) on all 4 connections (got $n)" [ "$n" = 4 ]
	else
		skip "ipv$fam TOA: nginx sees the client $(cl $fam)" "no halb_toa.ko on this kernel"
	fi
	nsx c curl -s -g --max-time 60 -o "$WORK/toa.$fam" "$(url $fam 8080)/blob"
	check "ipv$fam TOA: 400 kB download identical" blob_ok "$WORK/toa.$fam"
	rm -f "$WORK"/www*/up/toa$fam
	nsx c curl -s -g --max-time 60 -T "$WORK/up.bin" "$(url $fam 8080)/up/toa$fam"
	check "ipv$fam TOA: 400 kB upload identical" \
		bash -c "cmp -s $WORK/up.bin $WORK/www1/up/toa$fam || cmp -s $WORK/up.bin $WORK/www2/up/toa$fam"
	: > "$WORK/ngx1/toa.log"; : > "$WORK/ngx2/toa.log"
done
out=$(adm halb -L -n)
check "listing shows the client-address method" grep -qF "client-addr toa" <<<"$out"

# --- client address: PROXY protocol v2, read by nginx --------------------
for fam in 4 6; do
	service $fam 8081 -t 8081 --client-addr ppv2 || { fail "ipv$fam: add PPv2 service"; continue; }
	got=$(http_hits "$(url $fam 8081)/" 4 | dist)
	check "ipv$fam PPv2: requests answered through the header (got $got)" [ "$got" = "2 2" ]
	log=$(cat "$WORK"/ngx*/pp.log 2>/dev/null)
	n=$(grep -c "^$(cl $fam) " <<<"$log")
	check "ipv$fam PPv2: nginx logs the client $(cl $fam) on all 4 connections (got $n)" [ "$n" = 4 ]
	nsx c curl -s -g --max-time 60 -o "$WORK/pp.$fam" "$(url $fam 8081)/blob"
	check "ipv$fam PPv2: 400 kB download identical (acks shifted back)" blob_ok "$WORK/pp.$fam"
	rm -f "$WORK"/www*/up/pp$fam
	nsx c curl -s -g --max-time 60 -T "$WORK/up.bin" "$(url $fam 8081)/up/pp$fam"
	check "ipv$fam PPv2: 400 kB upload identical (sequence shifted)" \
		bash -c "cmp -s $WORK/up.bin $WORK/www1/up/pp$fam || cmp -s $WORK/up.bin $WORK/www2/up/pp$fam"
done

# --- the same without checksum offload: every checksum in software ------
# (no CHECKSUM_PARTIAL, no GSO: incremental updates, and full recomputes
# where a header or an option was inserted)
for n in c rs1 rs2; do nsx $n ethtool -K eth0 tx off >/dev/null 2>&1; done
for fam in 4 6; do
	for port in 8080 8081; do
		rm -f "$WORK"/www*/up/nocsum
		nsx c curl -s -g --max-time 60 -T "$WORK/up.bin" "$(url $fam $port)/up/nocsum"
		nsx c curl -s -g --max-time 60 -o "$WORK/nocsum" "$(url $fam $port)/blob"
		ok_up=false
		cmp -s "$WORK/up.bin" "$WORK/www1/up/nocsum" && ok_up=true
		cmp -s "$WORK/up.bin" "$WORK/www2/up/nocsum" && ok_up=true
		what=$([ $port = 8080 ] && echo TOA || echo PPv2)
		check "ipv$fam $what without offload: 400 kB upload and download identical" \
			bash -c "$ok_up && { cmp -s $WORK/nocsum $WORK/www1/blob || cmp -s $WORK/nocsum $WORK/www2/blob; }"
	done
done
for n in c rs1 rs2; do nsx $n ethtool -K eth0 tx on >/dev/null 2>&1; done

# --- echo services for the sections below ------------------------------
# 9000: no client address; 9001: TOA; 9002: PROXY v2 (the real server's
# echo drops the header first); 9003 (IPv4): the local address that is
# only routed here, so that errors to it are taken at FORWARD.
ppv2_port() { if [ "$1" = 4 ]; then echo 9028; else echo 9052; fi; }
echo_services() {
	local fam=$1
	service "$fam" 9000 -t 9000 && service "$fam" 9001 -t 9000 --client-addr toa &&
		service "$fam" 9002 -t "$(ppv2_port "$fam")" --client-addr ppv2 &&
		service "$fam" 5400 -u 5400 && service "$fam" 5399 -u 5399
}
method() { case $1 in 9000) echo plain ;; 9001) echo TOA ;; 9002) echo PPv2 ;; 9003) echo routed-laddr ;; esac; }
for fam in 4 6; do echo_services $fam || fail "ipv$fam: add echo services"; done
adm halb -A -t $VIP4:9003 -s rr --laddr $LA4FWD && adm halb -a -t $VIP4:9003 -r "$(rs4 1):9000" -b ||
	fail "add the routed-laddr echo service"
echo_up() { listening rs2 tcp 9052 && listening rs2 udp 5400; }
check "echo servers listen on the real servers" busywait 10000 echo_up

# --- offloads: GSO super-packets and CHECKSUM_PARTIAL through the rewrite --
for n in c c2 r rs1 rs2; do features $n eth0 gro on; done
features d eth0 gro on tx off
features d eth1 gro on
for p in rs1 rs2; do features r $p tx off; done
offloads_ok() {
	feature_on c eth0 tcp-segmentation-offload && feature_on rs1 eth0 tcp-segmentation-offload &&
	feature_on c eth0 tx-checksumming && feature_on d eth1 tx-checksumming &&
	feature_on d eth0 generic-receive-offload && feature_on d eth1 generic-receive-offload &&
	! feature_on d eth0 tx-checksumming && ! feature_on r rs1 tx-checksumming
}
check "offloads: TSO, checksum offload and GRO on; software checksums on the last hops" offloads_ok
check "a receiver counts a datagram with a bad checksum (the offload checks can fail)" \
	bad_csum_counted r rs1 "$(rs4 1)"
recv_csum_errors() { echo $(($(csum_errors c) + $(csum_errors rs1) + $(csum_errors rs2))); }
in_avg() { adm halb -L -n --stats --exact | awk -v s="$1" '$2 == s && $4 > 0 { print int($6 / $4) }'; }
kb=$((BULK_SIZE / 1000))
for fam in 4 6; do
	for port in 9000 9001 9002; do
		before=$(recv_csum_errors)
		check "ipv$fam $(method $port) offloads: $kb kB TCP echo identical byte for byte" \
			tcp_echo c "$(vip_bare $fam)" $port
		after=$(recv_csum_errors)
		check "ipv$fam $(method $port) offloads: no checksum errors at the receivers ($before -> $after)" \
			[ "$after" = "$before" ]
		avg=$(in_avg "$(vip $fam):$port")
		check "ipv$fam $(method $port) offloads: GSO packets went through (${avg:-no} bytes per packet in)" \
			[ "${avg:-0}" -gt 1500 ]
	done
done

# --- UDP datagrams larger than the MTU ----------------------------------
# sent in fragments, reassembled before the lookup, rewritten, fragmented
# again; the real server checks the pattern and echoes it in fragments
for fam in 4 6; do
	for size in 4000 30000; do
		got=$(nsx c "$BIN/udptool" big "$(vip_bare $fam)" 5400 $size 4 | sort | uniq -c | xargs)
		check "ipv$fam: 4 UDP datagrams of $size bytes (fragments) there and back intact (got $got)" \
			[ "$got" = "4 ok" ]
	done
done

# --- ICMP errors ----------------------------------------------------------
for fam in 4 6; do
	got=$(port_unreach $fam "$(vip_bare $fam)")
	check "ipv$fam: a real server's port unreachable (to a local address) reaches the client from the VIP ($got)" \
		[ "$got" = refused ]
done

pmtu_flush() {
	local n
	for n in c c2 d r rs1 rs2; do
		nsx $n ip route flush cache
		nsx $n ip -6 route flush cache >/dev/null 2>&1
	done
}
# learnt NS ADDR: the path MTU the namespace's route to ADDR carries
learnt() { nsx "$1" ip route get "$2" | grep -o 'mtu [0-9]*' | cut -d' ' -f2; }

# --- path MTU, case A: r's br0 takes 1280 --------------------------------
# the client's packets do not fit towards the real servers: r tells the
# local address, the director the client, less what TOA or the PROXY v2
# header may still add to the client's packets (until the server has the
# client's address; the director holds the client to that MTU too), but
# IPv6 never below 1280
nsx r ip link set br0 mtu 1280
want_mtu() {
	case $1$2 in
	49001) echo 1272 ;;
	49002) echo 1252 ;;
	*) echo 1280 ;;
	esac
}
for fam in 4 6; do
	ports="9000 9001 9002"
	[ $fam = 4 ] && ports="$ports 9003"
	for port in $ports; do
		pmtu_flush
		check "ipv$fam $(method $port) path MTU A: $kb kB TCP echo through r's 1280-byte link identical" \
			tcp_echo c "$(vip_bare $fam)" $port
		got=$(learnt c "$(vip_bare $fam)")
		check "ipv$fam $(method $port) path MTU A: the client learnt path MTU $(want_mtu $fam $port) to the VIP (got ${got:-none})" \
			[ "$got" = "$(want_mtu $fam $port)" ]
	done
done
nsx r ip link set br0 mtu 1500

# --- path MTU, case B: c's link to c2 takes 1280 -------------------------
# the real server's replies do not fit towards c2: c tells the VIP, the
# director the real server (as the local address of the connection)
nsx c ip link set eth1 mtu 1280
for fam in 4 6; do
	for port in 80 8080 8081; do
		what=$(case $port in 80) echo plain ;; 8080) echo TOA ;; 8081) echo PPv2 ;; esac)
		pmtu_flush
		rm -f "$WORK/dl"
		nsx c2 curl -s -g --max-time 90 -o "$WORK/dl" "$(url $fam $port)/bulk"
		check "ipv$fam $what path MTU B: $kb kB download to c2 through c's 1280-byte link identical" \
			cmp -s "$WORK/dl" "$WORK/bulk"
		if [ $fam = 4 ]; then las="$LA4 $LA4B"; else las="$LA6 $LA6B"; fi
		got=$(for i in 1 2; do for a in $las; do learnt rs$i $a; done; done | sort -u | xargs)
		check "ipv$fam $what path MTU B: the real server learnt path MTU 1280 to the local address (got ${got:-none})" \
			[ "$got" = 1280 ]
	done
done
nsx c ip link set eth1 mtu 1500

# --- port exhaustion ----------------------------------------------------
# One local address with 4 ports; a slow download holds a port of another
# address throughout and must come through unharmed.
nsx c curl -s --max-time 60 --limit-rate 60k -o "$WORK/slow" "http://$VIP4/blob" &
slow=$!
sleep 1
adm halb -A -u $VIP4:54 -s rr --laddr $LA4X &&
	adm halb -a -u $VIP4:54 -r "$(rs4 1):53" -b
echo 40000 > $P/fnat_lport_min
echo 40003 > $P/fnat_lport_max
# flows must outlive the refused ones' retries (2 x 3 tries x 2 s)
echo 60 > $P/udp_timeout
before=$(info lport_exhausted)
got=$(nsx c "$BIN/udptool" client $VIP4 54 6 | count_of rs1)
read -r after used < <(adm halb -L -n --json | /usr/bin/python3 -c \
	"import json,sys; i=json.load(sys.stdin)['info']; print(i['lport_exhausted'], i['lports_used'])")
echo 3 > $P/udp_timeout
check "exhaustion: 4 ports give 4 of 6 new flows (got $got)" [ "$got" = 4 ]
check "exhaustion: refusals counted ($before -> $after)" [ "$after" -ge $((before + 6)) ]
check "exhaustion: ports in use counted ($used)" [ "$used" -ge 4 ]
wait $slow
check "exhaustion: a connection made before is unharmed (400 kB identical)" blob_ok "$WORK/slow"
echo 1024 > $P/fnat_lport_min
echo 65535 > $P/fnat_lport_max

# --- every port is given back -------------------------------------------
zero() { [ "$(info lports_used)" = 0 ] && [ "$(info conn_count)" = 0 ]; }
check "every local port given back when the connections expire" busywait 90000 zero

adm halb -C
for t in $TIMEOUTS; do cat "$WORK/param.$t" > $P/$t; done
! $have_toa || rmmod halb_toa || fail "unload halb_toa.ko"
check "kernel log clean after FULLNAT tests" dmesg_clean
[ "$ktap_fail" = 0 ]
