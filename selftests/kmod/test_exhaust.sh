#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Exhaustion: a SYN flood from many sources fills the connection table to
# its limit (conn_max) and a FULLNAT service's local ports; new connections
# are refused and counted, established ones keep flowing, memory stays
# bounded, another namespace is not affected, and everything comes back
# once the flood's entries expire.
#
#   client c                     director d                     farm f
#   eth0 198.51.100.2/24 ------- eth0 198.51.100.1/24
#        2001:db8:1::2/64             2001:db8:1::1/64
#   flood sources (raw sockets): lo   VIP 203.0.113.1, 2001:db8:100::1
#   198.51.100.128/25 and        eth1 192.0.2.1/24 ------------ eth0 2001:db8:2::2/64
#   2001:db8:1:ff::/64, routed        192.0.2.5 (FULLNAT laddr)  real servers
#   by d to c, which drops the        2001:db8:2::1/64          192.0.2.11..14
#   answers                                                     2001:db8:2::11..14
#
#   TCP VIP:80, [VIP6]:80  -> rs 1, 2 (NAT)      the flood's target
#   TCP VIP:8080           -> rs 3 (NAT)         a long-lived paced download,
#                                                and new clients
#   TCP VIP:81             -> rs 4 (FULLNAT, laddr 192.0.2.5, 100 ports)
#
#   namespace x (alone): UDP 192.0.2.200:53 -> 192.0.2.201:53, both on lo,
#   must take new connections while d is full.
#
# Knobs: HALB_EXHAUST_LIMIT (conn_max, default 1000), HALB_EXHAUST_FLOOD
# (SYNs of the IPv4 flood, default 3 x the limit), HALB_EXHAUST_SYN_TIMEOUT
# (tcp_timeout_syn_recv during the IPv4 flood, default 30 s so that the
# test stays short; IPVS has 60), HALB_EXHAUST_FN_SYN_TIMEOUT (the same
# for the FULLNAT flood, default 20 s).  Each is waited out once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stress_lib.sh"

LIMIT=${HALB_EXHAUST_LIMIT:-1000}
FLOOD=${HALB_EXHAUST_FLOOD:-$((3 * LIMIT))}
SYN_TMO=${HALB_EXHAUST_SYN_TIMEOUT:-30}
FN_SYN_TMO=${HALB_EXHAUST_FN_SYN_TIMEOUT:-20}
FLOOD6=200
FN_FLOOD=300 FN_PORTS=100
LADDR=192.0.2.5
P=/sys/module/halb/parameters
CLOSE_TMO="tcp_timeout_time_wait tcp_timeout_close tcp_timeout_fin_wait tcp_timeout_close_wait
	   tcp_timeout_last_ack"
PARAMS="conn_max tcp_timeout_syn_recv fnat_lport_min fnat_lport_max $CLOSE_TMO"
CLIENTS=()

exhaust_cleanup() {
	kill_clients
	params_restore $PARAMS
	[ -e "$WORK/backlog" ] && cat "$WORK/backlog" > /proc/sys/net/core/netdev_max_backlog
	stress_cleanup
}
trap exhaust_cleanup EXIT

diag "conn_max $LIMIT, IPv4 flood of $FLOOD SYNs, SYN_RECV timeout $SYN_TMO s"
dmesg_mark
light_topo 4 || { fail "topology"; exit 1; }
load_halb || { fail "load halb.ko"; exit 1; }
ip -n "$NS_PREFIX-d" -b - <<EOF
addr add $LADDR/24 dev eth1
route add 198.51.100.128/25 via 198.51.100.2
route add 2001:db8:1:ff::/64 via 2001:db8:1::2
EOF
# the farm gives up a half-open connection after one SYN-ACK retransmit
nsx f sh -c 'echo 1 > /proc/sys/net/ipv4/tcp_synack_retries'
# the flood must reach halb whole: no drops at the veth's backlog
cat /proc/sys/net/core/netdev_max_backlog > "$WORK/backlog"
echo 100000 > /proc/sys/net/core/netdev_max_backlog
params_save $PARAMS
echo "$SYN_TMO" > $P/tcp_timeout_syn_recv
# closed connections leave the table at once, so it can be watched emptying
for t in $CLOSE_TMO; do echo 2 > "$P/$t"; done
echo 40000 > $P/fnat_lport_min
echo $((40000 + FN_PORTS - 1)) > $P/fnat_lport_max
nsx d "$HALBCTL" -R <<EOF || fail "services"
-A -t $VIP4:80 -s rr
-a -t $VIP4:80 -r $(farm_addr 1):$FARM_PORT -m
-a -t $VIP4:80 -r $(farm_addr 2):$FARM_PORT -m
-A -t [$VIP6]:80 -s rr
-a -t [$VIP6]:80 -r [$(farm_addr6 1)]:$FARM_PORT -m
-a -t [$VIP6]:80 -r [$(farm_addr6 2)]:$FARM_PORT -m
-A -t $VIP4:8080 -s rr
-a -t $VIP4:8080 -r $(farm_addr 3):$FARM_PORT -m
-A -t $VIP4:81 -s rr --laddr $LADDR
-a -t $VIP4:81 -r $(farm_addr 4):$FARM_PORT -b
EOF
check "the farm answers" poll 20 farm_up
out=$(nsx c "$BIN/loadtool" client --count 4 --workers 2 $VIP4 81)
check "FULLNAT service answers before the flood ($(grep -o 'short_ok=[0-9]*' <<<"$out"))" \
	grep -q 'short_ok=4 ' <<<"$out"
echo "$LIMIT" > $P/conn_max
obj_size=$(slab halb_conn slab_size)
# with the FULLNAT check's entries gone, the table holds nothing
empty() { info d && [ "$(info_num conn_count)" = 0 ] && [ "$(info_num lports_used)" = 0 ]; }
poll 30 empty
base=$(slab halb_conn)
diag "baseline: halb_conn $base objects of $obj_size bytes"

# --- an established, paced download, all along ----------------------------------
nsx c "$BIN/loadtool" client --workers 0 --count 0 --long 1 --long-size 100000 \
	--rate 50000 --stop "$WORK/stop" --status "$WORK/status" --timeout 30000 \
	$VIP4 8080 > "$WORK/long.out" 2>&1 &
CLIENTS+=($!)
long_bytes() { file_word "$WORK/status" long_bytes || echo 0; }
check "a long-lived download runs through VIP:8080" poll 30 eval '[ $(long_bytes) -gt 0 ]'

info d
refused0=$(info_num conn_refused)

# namespace x, alone, with a limit of its own
ip netns add "$NS_PREFIX-x"
ip -n "$NS_PREFIX-x" -b - <<EOF
link set lo up
addr add 192.0.2.200/32 dev lo
addr add 192.0.2.201/32 dev lo
EOF
nsx x "$HALBCTL" -R <<EOF
-A -u 192.0.2.200:53 -s rr
-a -u 192.0.2.200:53 -r 192.0.2.201:53 -m
EOF
nsx x "$BIN/udptool" server 53 x &
disown

# --- the IPv4 flood: the table fills to its limit ---------------------------------
svc_stats d -t $VIP4:80
c0=$SVC_CONNS d0=$SVC_DROPS
room=$((LIMIT - $(info_num conn_count)))
b0=$(long_bytes)
t0=$SECONDS
nsx c "$BIN/loadtool" synflood $VIP4 80 198.51.100.128 120 "$FLOOD" | sed 's/^/# /'
# what must see the table full comes first: its first entries expire
# SYN_TMO after the flood began, and every process started here is slow
svc_stats d -t "[$VIP6]:80"
c6=$SVC_CONNS d6=$SVC_DROPS
nsx c "$BIN/loadtool" synflood --v6 $VIP6 80 2001:db8:1:ff::1 100 $FLOOD6 | sed 's/^/# /'
out=$(nsx c "$BIN/loadtool" client --count 2 --workers 2 --ctimeout 2500 $VIP4 8080)
xout=$(nsx x "$BIN/udptool" client 192.0.2.200 53 5)
info d
count=$(info_num conn_count) full_at=$((SECONDS - t0))
objs=$(slab halb_conn) total=$(slab halb_conn total_objects)
b1=$(long_bytes)
cond=false
{ [ "$count" = "$LIMIT" ] && [ $((SECONDS - t0)) -lt "$SYN_TMO" ]; } && cond=true
check "the table is full: $count entries, conn_max $LIMIT, ${full_at} s after the flood began" $cond
cond=false
{ [ "$objs" -le $((base + LIMIT + 16)) ] &&
	[ $((total * obj_size)) -le $((LIMIT * obj_size * 5 / 4 + 65536)) ]; } && cond=true
check "memory bounded: halb_conn $objs objects in use (baseline $base + limit $LIMIT), $((total * obj_size / 1024)) KiB in slabs" $cond
check "a new client is refused while the table is full ($(grep -o 'short_fail=[0-9]*' <<<"$out"))" \
	grep -q 'short_ok=0 short_fail=2' <<<"$out"

# the counts, which wait for nothing
seen80() { svc_stats d -t $VIP4:80 && [ $((SVC_CONNS - c0 + SVC_DROPS - d0)) -ge "$FLOOD" ]; }
poll 30 seen80
admitted=$((SVC_CONNS - c0)) dropped=$((SVC_DROPS - d0))
diag "flood of $FLOOD SYNs: $admitted admitted (room was $room), $dropped dropped"
check "every SYN of the flood reached halb: admitted + dropped = $((admitted + dropped)) of $FLOOD" \
	[ $((admitted + dropped)) = "$FLOOD" ]
check "the flood took exactly the room there was: $admitted admitted, room $room" \
	[ "$admitted" = "$room" ]
seen6() { svc_stats d -t "[$VIP6]:80" && [ $((SVC_CONNS - c6 + SVC_DROPS - d6)) -ge $FLOOD6 ]; }
poll 20 seen6
cond=false
{ [ $((SVC_CONNS - c6)) = 0 ] && [ $((SVC_DROPS - d6)) = $FLOOD6 ]; } && cond=true
check "IPv6 flood into the full table: all $FLOOD6 refused ($((SVC_CONNS - c6)) admitted, $((SVC_DROPS - d6)) dropped)" $cond
info d
refused=$(($(info_num conn_refused) - refused0))
# the flood's and the IPv6 flood's drops, and the new client's SYNs (at
# least one each)
cond=false
{ [ "$refused" -ge $((dropped + FLOOD6 + 2)) ] &&
	[ "$refused" -le $((dropped + FLOOD6 + 12)) ]; } && cond=true
check "refused SYNs are counted: conn_refused +$refused = $dropped + $FLOOD6 dropped + the new client's" $cond
cond=false
{ [ "$(grep -c '^x$' <<<"$xout")" = 5 ] && info x && [ "$(info_num conn_refused)" = 0 ] &&
	[ "$(info_num conn_count)" -ge 5 ]; } && cond=true
check "namespace x took new connections meanwhile ($(grep -c '^x$' <<<"$xout") of 5, $(info_num conn_count) entries, $(info_num conn_refused) refused)" $cond
ip netns pids "$NS_PREFIX-x" | xargs -r kill
ip netns del "$NS_PREFIX-x"
b2=$(long_bytes)
cond=false
{ [ "$b1" -gt "$b0" ] && [ "$b2" -gt "$b1" ]; } && cond=true
check "the established download went on through the flood and the full table ($b0 -> $b1 -> $b2 bytes)" $cond

# --- the flood's entries expire ------------------------------------------------------
drained() { info d && [ "$(info_num conn_count)" -le 1 ] && [ "$(info_num lports_used)" = 0 ]; }
poll $((SYN_TMO * 3 + 30)) drained
check "the flood's entries expired: $(info_num conn_count) left (the download), $(info_num lports_used) FULLNAT ports held" \
	drained
conn_back() { [ "$(slab halb_conn)" -le $((base + 1)) ]; }
poll 30 conn_back
check "halb_conn back to $(slab halb_conn) objects (baseline $base + the download; x's gone with x)" \
	conn_back

# --- FULLNAT: more SYNs than local ports ----------------------------------------
echo "$FN_SYN_TMO" > $P/tcp_timeout_syn_recv
refused0=$(info_num conn_refused) exhausted0=$(info_num lport_exhausted)
svc_stats d -t $VIP4:81
c0=$SVC_CONNS d0=$SVC_DROPS
t0=$SECONDS
nsx c "$BIN/loadtool" synflood $VIP4 81 198.51.100.128 100 $FN_FLOOD | sed 's/^/# /'
info d
cond=false
{ [ "$(info_num lports_used)" = $FN_PORTS ] && [ $((SECONDS - t0)) -lt "$FN_SYN_TMO" ]; } && cond=true
check "FULLNAT flood: all $(info_num lports_used) ports of $FN_PORTS held" $cond
seen81() { svc_stats d -t $VIP4:81 && [ $((SVC_CONNS - c0 + SVC_DROPS - d0)) -ge $FN_FLOOD ]; }
poll 30 seen81
info d
cond=false
{ [ $((SVC_CONNS - c0)) = $FN_PORTS ] && [ $((SVC_DROPS - d0)) = $((FN_FLOOD - FN_PORTS)) ]; } && cond=true
check "FULLNAT flood: $FN_PORTS ports take $((SVC_CONNS - c0)) of $FN_FLOOD SYNs, $((SVC_DROPS - d0)) dropped" $cond
cond=false
{ [ $(($(info_num lport_exhausted) - exhausted0)) = $((FN_FLOOD - FN_PORTS)) ] &&
	[ "$(info_num conn_refused)" = "$refused0" ]; } && cond=true
check "FULLNAT flood: refusals counted as port exhaustion ($exhausted0 -> $(info_num lport_exhausted)), not as the limit ($refused0 -> $(info_num conn_refused))" $cond

check "FULLNAT flood's entries expired, every port given back" poll $((FN_SYN_TMO * 2 + 30)) drained
out=$(nsx c "$BIN/loadtool" client --count 5 --workers 2 $VIP4 8080)
check "new clients are served again ($(grep -o 'short_ok=[0-9]*' <<<"$out"))" \
	grep -q 'short_ok=5 short_fail=0' <<<"$out"
out=$(nsx c "$BIN/loadtool" client --count 5 --workers 2 $VIP4 81)
check "the FULLNAT service too ($(grep -o 'short_ok=[0-9]*' <<<"$out"))" \
	grep -q 'short_ok=5 short_fail=0' <<<"$out"
: > "$WORK/stop"
wait "${CLIENTS[0]}"
lrc=$?
CLIENTS=()
sed 's/^/# /' "$WORK/long.out"
cond=false
{ [ "$lrc" = 0 ] && grep -qE '^long 0 .*reqs=[1-9].* status=ok' "$WORK/long.out" &&
	awk '/^long / { split($5, a, "="); split($6, b, "="); exit a[2] != b[2] }' "$WORK/long.out"; } && cond=true
check "the download through the whole test lost nothing (rc $lrc)" $cond
nsx d "$HALBCTL" -C
check "kernel log clean after exhaustion" dmesg_clean
[ "$ktap_fail" = 0 ]
