#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# FULLNAT forwarding, IPv4 and IPv6, TCP and UDP, in a routed topology, and
# the client address carried to the real servers by TOA (read back through
# halb_toa.ko) and by PROXY protocol v2 (read by nginx).
#
#   client c                director d                  router r        real servers
#   eth0 198.51.100.2 ---- eth0 198.51.100.1
#        2001:db8:1::2          2001:db8:1::1
#                          lo    VIP 203.0.113.1, 2001:db8:100::1
#                          dummy0 203.0.113.48/29 (a local address that is
#                                 only routed here: replies go via FORWARD)
#                          eth1 192.0.2.1/25 ------ eth0 192.0.2.2/25
#                               2001:db8:2::1/64         2001:db8:2::2/64
#                               laddrs 192.0.2.10-12     br0 192.0.2.129/25 --+-- rs1 192.0.2.131
#                                      2001:db8:2::10-11     2001:db8:3::1/64  +-- rs2 192.0.2.132
#                                                                                  2001:db8:3::1N
#
# Three subnets: the client's, the director-router link, the real servers'.
# The real servers route only 192.0.2.0/25, 203.0.113.48/29 and
# 2001:db8:2::/64 (the local addresses) via the router: they have no route
# to the client at all.
. "$(dirname "$0")/lib.sh"

TOA_KO=$TOP/.build/$(uname -r)/kmod/toa/halb_toa.ko
LA4=192.0.2.10 LA4B=192.0.2.11 LA4X=192.0.2.12 LA4FWD=203.0.113.50
LA6=2001:db8:2::10 LA6B=2001:db8:2::11
CL4=198.51.100.2 CL6=2001:db8:1::2
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
insmod "$TOA_KO" || fail "load halb_toa.ko"
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
	check "ipv$fam TOA: nginx sees the client $(cl $fam) on all 4 connections (got $n)" [ "$n" = 4 ]
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
rmmod halb_toa || fail "unload halb_toa.ko"
check "kernel log clean after FULLNAT tests" dmesg_clean
[ "$ktap_fail" = 0 ]
