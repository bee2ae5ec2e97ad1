#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed article's cluster (shared/seed/keepalived-httpd-ha.md), built in
# network namespaces: three nodes, each a web server and a director at once,
# running httpd and halbd with the article's keepalived.conf.  Sourced by
# selftests/kmod/test_seed.sh (assertions) and selftests/demo/seed.sh
# (narration), after selftests/kmod/lib.sh.
#
#              client c 192.0.2.50                 client rc 198.51.100.2
#              (.51-.99: distinct clients)                  |
#                    |                              router r 198.51.100.1
#                    |                                       192.0.2.1
#   ==================== br0 (in sw): the LAN 192.0.2.0/24 =====================
#            |                         |                         |
#       n1 192.0.2.11             n2 192.0.2.12             n3 192.0.2.13
#       httpd :80 "n1"            httpd :80 "n2"            httpd :80 "n3"
#       halbd MASTER prio 150     halbd BACKUP prio 100     halbd BACKUP prio 50
#
#   VRRP VI_1 (vrid 51): VIP 192.0.2.100 on the master's eth0; the backups hold
#   it on lo with arp_ignore=1/arp_announce=2 (DR real servers, as the
#   article's /etc/init.d/realserver does by hand) and their service is
#   standby.  virtual_server 192.0.2.100 80: rr, DR, persistence_timeout 50,
#   the three nodes as real servers with TCP_CHECK.  The nodes route the
#   routed client's answers through r.

HALBD=${HALB_HALBD:-$TOP/userspace/halbd/halbd}	# HALB_HALBD: try another build
VIP=192.0.2.100
NODES="1 2 3"
node_ip() { echo "192.0.2.1$1"; }
node_prio() { case $1 in 1) echo 150 ;; 2) echo 100 ;; 3) echo 50 ;; esac; }
# health-check timing (the article's keywords; values shortened for a test):
# a dead httpd leaves the pool within delay_loop + connect_timeout*(retry+1)
DELAY_LOOP=2 CONNECT_TIMEOUT=2 RETRY=1 DELAY_BEFORE_RETRY=1
CHECK_BOUND_MS=$(( (DELAY_LOOP + CONNECT_TIMEOUT * (RETRY + 1)) * 1000 ))

# seed_conf N: node N's keepalived.conf, the article's (addresses and
# interface changed; check timings shortened), plus the vrrp_script an
# operator adds for the gap the article names: httpd dead on the master
seed_conf() {
	local n=$1 i state=BACKUP
	[ "$n" = 1 ] && state=MASTER
	cat <<EOF
! node n$n of the seed cluster
global_defs {
    router_id n$n
}
vrrp_script chk_httpd {
    script "/bin/busybox nc -w 1 127.0.0.1 80"
    interval 2
    timeout 3
    fall 2
    rise 1
}
vrrp_instance VI_1 {
    state $state
    interface eth0
    virtual_router_id 51
    priority $(node_prio "$n")
    advert_int 1
    authentication {
      auth_type PASS
      auth_pass 1111
    }
    virtual_ipaddress {
      $VIP
    }
    track_script {
      chk_httpd
    }
}
virtual_server $VIP 80 {
    delay_loop $DELAY_LOOP
    lb_algo rr
    lb_kind DR
    nat_mask 255.255.255.0
    persistence_timeout 50
    protocol TCP
EOF
	for i in $NODES; do
		cat <<EOF
    real_server $(node_ip "$i") 80 {
        weight 3
        TCP_CHECK {
            connect_timeout $CONNECT_TIMEOUT
            nb_get_retry $RETRY
            delay_before_retry $DELAY_BEFORE_RETRY
            connect_port 80
        }
    }
EOF
	done
	echo "}"
}

# --- topology ---------------------------------------------------------------
seed_up() {
	local i
	modprobe -a veth bridge >/dev/null 2>&1
	for n in sw c r rc n1 n2 n3; do
		ip netns add "$NS_PREFIX-$n"
		nsx "$n" ip link set lo up
	done
	nsx sw ip link add br0 type bridge
	nsx sw ip link set br0 up
	# the client: one address per simulated client, to show rr + persistence
	ip link add eth0 netns "$NS_PREFIX-c" type veth peer name c netns "$NS_PREFIX-sw"
	nsx sw ip link set c master br0 up
	{
		for i in $(seq 50 99); do echo "addr add 192.0.2.$i/24 dev eth0"; done
		echo "link set eth0 up"
	} | nsx c ip -b -
	# the router and the routed client
	ip link add eth1 netns "$NS_PREFIX-r" type veth peer name r netns "$NS_PREFIX-sw"
	nsx sw ip link set r master br0 up
	ip link add eth0 netns "$NS_PREFIX-r" type veth peer name eth0 netns "$NS_PREFIX-rc"
	nsx r ip addr add 192.0.2.1/24 dev eth1
	nsx r ip addr add 198.51.100.1/24 dev eth0
	nsx r ip link set eth1 up
	nsx r ip link set eth0 up
	nsx r sysctl -qw net.ipv4.ip_forward=1
	nsx rc ip addr add 198.51.100.2/24 dev eth0
	nsx rc ip link set eth0 up
	nsx rc ip route add default via 198.51.100.1
	# the three nodes
	for i in $NODES; do
		ip link add eth0 netns "$NS_PREFIX-n$i" type veth peer name n$i netns "$NS_PREFIX-sw"
		nsx sw ip link set "n$i" master br0 up
		nsx "n$i" ip addr add "$(node_ip "$i")/24" dev eth0
		nsx "n$i" ip link set eth0 up
		nsx "n$i" ip route add default via 192.0.2.1
		mkdir -p "$WORK/www$i"
		printf 'n%s' "$i" > "$WORK/www$i/index.html"
		seed_conf "$i" > "$WORK/n$i.conf"
	done
}

mac_of() { local l; l=$(nip "n$1" -o link show dev eth0) && [[ $l =~ link/ether\ ([0-9a-f:]+) ]] && echo "${BASH_REMATCH[1]}"; }

# --- httpd and halbd on the nodes -------------------------------------------
declare -A HTTPD_PID HALBD_PID

# busybox httpd in the foreground, logging each request ("ADDR:PORT: url:/");
# `ip netns exec` execs it, so $! is httpd itself (not a subshell of nsx)
httpd_start() {
	ip netns exec "$NS_PREFIX-n$1" busybox httpd -f -vv -p 80 -h "$WORK/www$1" \
		</dev/null 2>>"$WORK/n$1.httpd.log" &
	HTTPD_PID[$1]=$!
}
httpd_stop() {
	kill "${HTTPD_PID[$1]}" 2>/dev/null
	wait "${HTTPD_PID[$1]}" 2>/dev/null
}

# as httpd: $! is halbd itself
halbd_start() {
	ip netns exec "$NS_PREFIX-n$1" "$HALBD" -n -l -f "$WORK/n$1.conf" -p "$WORK/n$1.pid" \
		--control "$WORK/n$1.sock" </dev/null >>"$WORK/n$1.log" 2>&1 &
	HALBD_PID[$1]=$!
}
halbd_stop() {	# as "systemctl stop keepalived": SIGTERM, wait for the exit
	kill -TERM "${HALBD_PID[$1]}" 2>/dev/null
	busywait 10000 eval "! kill -0 ${HALBD_PID[$1]} 2>/dev/null"
	wait "${HALBD_PID[$1]}" 2>/dev/null
}

# --- what a user looks at ---------------------------------------------------
# Under TCG on a busy host every process start costs 0.3-1 s (ip netns exec
# plus halbctl about 1 s, jq 1.4 s, curl 3 s), so these helpers start one
# process per question and parse its output in bash.

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
# busywait TIMEOUT_MS CMD...: lib.sh's contract, without starting sleep and
# date on every poll
mkfifo "$WORK/tick"
exec {TICK_FD}<>"$WORK/tick"
busywait() {
	local timeout=$1 start
	shift
	start=$(now_ms)
	until "$@"; do
		[ $(($(now_ms) - start)) -ge "$timeout" ] && return 1
		read -r -t 0.2 -u "$TICK_FD"
	done
	return 0
}

nip() { local n=$1; shift; ip -n "$NS_PREFIX-$n" "$@"; }	# ip in a namespace
vrrp_state() {	# the state halbd's control socket reports ("halbctl vrrp -j")
	local j
	j=$("$HALBCTL" vrrp -j -s "$WORK/n$1.sock" 2>/dev/null) || return 1
	[[ $j =~ \"state\":\"([A-Z]+)\" ]] && echo "${BASH_REMATCH[1]}"
}
state_is() { [ "$(vrrp_state "$1")" = "$2" ]; }
vip_on() {	# vip_on N DEV: the VIP is on node N's DEV
	local a
	a=$(nip "n$1" -o -4 addr show dev "$2") && [[ $a == *" $VIP/32 "* ]]
}
# node N's halbctl -L -n, one process; ADM_OUT keeps the last one
adm_list() { ADM_OUT=$(ip netns exec "$NS_PREFIX-n$1" "$HALBCTL" -L -n "${@:2}"); }
svc_line() { adm_list "$1" && grep "^TCP  $VIP:80 " <<<"$ADM_OUT"; }
standby() { adm_list "$1" && [[ $ADM_OUT =~ TCP\ \ $VIP:80\ [^$'\n']*\ standby($'\n'|$) ]]; }
# real_in N M...: nodes M... are real servers in node N's table
real_in() {
	local n=$1 m
	adm_list "$n" || return 1
	shift
	for m; do [[ $ADM_OUT == *"-> $(node_ip "$m"):80 "* ]] || return 1; done
}
not_real_in() { adm_list "$1" && [[ $ADM_OUT != *"-> $(node_ip "$2"):80 "* ]]; }
# svc_stats N: "CONNS INPKTS" of node N's service (halbctl -L -n --stats -X)
svc_stats() {
	local p a c i r
	adm_list "$1" --stats --exact || return 1
	while read -r p a c i r; do
		[ "$p" = TCP ] && [ "$a" = "$VIP:80" ] && echo "$c $i" && return 0
	done <<<"$ADM_OUT"
	return 1
}
master_is() {	# master_is N: N is MASTER with the VIP on eth0, no other node has it there
	local i
	state_is "$1" MASTER || return 1
	for i in $NODES; do
		if [ "$i" = "$1" ]; then vip_on "$i" eth0 || return 1
		else ! vip_on "$i" eth0 || return 1
		fi
	done
}
log_ms() {	# log_ms N PATTERN: time stamp (ms) of PATTERN's last line in n$N.log
	local l t=
	while read -r l; do [[ $l == *"$2"* ]] && t=${l%% *}; done < "$WORK/n$1.log"
	echo "${t/./}"
}

# hits SRC...: one request through the VIP from each client address SRC
# (one curl process, a new connection each); prints "NODE SRC" lines, with
# NODE "-" for a request nobody answered.  "hits rc" asks from the routed
# client instead (alone: it is another namespace).
hits() {
	local args=() s ns=c
	for s; do
		[ ${#args[@]} = 0 ] || args+=(--next)
		if [ "$s" = rc ]; then
			ns=rc
			args+=(-w " rc\n")
		else
			args+=(--interface "$s" -w " $s\n")
		fi
		args+=(-s --connect-timeout 3 -m 5 -H 'Connection: close' "http://$VIP/")
	done
	HITS=$(ip netns exec "$NS_PREFIX-$ns" curl "${args[@]}")
	HITS=${HITS//$'\n' /$'\n'- }
	[[ $HITS == " "* ]] && HITS="-$HITS"
	echo "$HITS"
}
# answered_by LINES: "n1:2 n2:2 n3:2 " (nodes sorted, "-" for unanswered)
answered_by() {
	local -A c
	local node src k out=
	while read -r node src; do [ -n "$node" ] && c[$node]=$((${c[$node]:-0} + 1)); done <<<"$1"
	for k in - n1 n2 n3; do [ -n "${c[$k]:-}" ] && out+="$k:${c[$k]} "; done
	echo "$out"
}
all_answered() { [[ $'\n'$1 != *$'\n- '* ]]; }
# node_for LINES SRC: the distinct nodes that answered SRC, space separated
node_for() {
	local node src out=
	while read -r node src; do
		[ "$src" = "$2" ] && [[ " $out" != *" $node "* ]] && out+="$node "
	done <<<"$1"
	echo "${out% }"
}
