# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# VRRPv3 over IPv6 unicast, sourced by run: n1 (150), n2 (100), n3 (50),
# each with unicast_src_ip its global address and the other two as
# unicast_peer, VIP 2001:db8::120, advert_int 0.3.  Nothing multicast.
#
#   n1 2001:db8::1 ---+
#   n2 2001:db8::2 ---+--- br0
#   n3 2001:db8::3 ---+

u6_conf() {	# u6_conf FILE PRIO SELF PEER PEER
	cat > "$1" <<EOF
vrrp_instance V6 {
    interface eth0
    virtual_router_id 72
    priority $2
    advert_int 0.3
    unicast_src_ip 2001:db8::$3
    unicast_peer {
        2001:db8::$4
        2001:db8::$5
    }
    virtual_ipaddress {
        2001:db8::120/64
    }
}
EOF
}

u6_only_master() {	# u6_only_master NODE [NODE...]: the first master, the rest backup
	local m=$1 node
	shift
	state_is "$m" V6 MASTER && has_vip "$m" 2001:db8::120 || return 1
	for node in "$@"; do
		state_is "$node" V6 BACKUP && no_vip "$node" 2001:db8::120 || return 1
	done
}

u6_no_drops() {
	[ "$(q "$1" "sum(i['V6']['drops'].values())")" = 0 ]
}

u6_cases() {
	local rc t t0 td
	u6_conf "$dir/u6-1.conf" 150 1 2 3
	u6_conf "$dir/u6-2.conf" 100 2 1 3
	u6_conf "$dir/u6-3.conf" 50 3 1 2
	: > "$dir/u6-tcpdump.err"
	ip netns exec "$(ns br)" tcpdump -i br0 -n -l 'ip6 proto 112' > "$dir/u6-tcpdump.txt" \
		2> "$dir/u6-tcpdump.err" &
	td=$!
	pids+=("$td")
	busywait 3000 grep -q listening "$dir/u6-tcpdump.err"
	start_halbd n1 "$dir/u6-1.conf"
	start_halbd n2 "$dir/u6-2.conf"
	start_halbd n3 "$dir/u6-3.conf"
	busywait 5000 u6_only_master n1 n2 n3 &&
		holds 1500 eval 'u6_only_master n1 n2 n3 && u6_no_drops n2 && u6_no_drops n3' &&
		[ "$(q n3 "i['V6']['master']")" = 2001:db8::1 ] &&
		[ "$(q n3 "i['V6']['source']")" = 2001:db8::3 ] &&
		[ "$(q n2 "i['V6']['adverts_received']")" -gt 3 ]
	rc=$?
	[ $rc = 0 ] || { ctl n1; ctl n2; ctl n3; } | sed 's/^/# /'
	ktap_result $rc "IPv6 unicast: n1 (150) master of 2001:db8::120, n2 and n3 backup, no advert dropped"
	kill "$td" 2> /dev/null
	sed -n 1,2p "$dir/u6-tcpdump.txt" | sed 's/^/# /'
	grep -q "2001:db8::1 > 2001:db8::2: VRRPv3, Advertisement, vrid 72, prio 150" "$dir/u6-tcpdump.txt" &&
		grep -q "2001:db8::1 > 2001:db8::3: VRRPv3, Advertisement, vrid 72, prio 150" "$dir/u6-tcpdump.txt" &&
		! grep -q "> ff02::" "$dir/u6-tcpdump.txt"
	ktap_result $? "IPv6 unicast: n1 sends to each peer from its unicast_src_ip, nothing to ff02::12"

	# Master_Down for n2 = 3 * 300 + (156 * 300) / 256 = 1082 ms after the last advert
	sleep 0.2
	t0=$(now_rt_ms)
	stop_halbd n1 KILL
	busywait 3000 has_vip n2 2001:db8::120
	rc=$?
	t=$(($(entered_master_ms n2 V6) - t0))
	log "IPv6 unicast: n2 entered MASTER $t ms after kill -9 of n1"
	[ $rc = 0 ] && within "$t" 750 1300 && busywait 2000 u6_only_master n2 n3 &&
		[ "$(q n3 "i['V6']['master']")" = 2001:db8::2 ]
	ktap_result $? "IPv6 unicast: kill -9 of n1, n2 takes over in $t ms (Master_Down 1082), n3 follows it"

	start_halbd n1 "$dir/u6-1.conf"
	busywait 4000 u6_only_master n1 n2 n3 && holds 1000 u6_only_master n1 n2 n3
	ktap_result $? "IPv6 unicast: restarted n1 preempts, one master again"

	t0=$(now_rt_ms)
	p1=$(halbd_pid n1)
	kill -TERM "$p1"
	busywait 3000 has_vip n2 2001:db8::120
	rc=$?
	t=$(($(entered_master_ms n2 V6) - t0))
	reap "$p1"
	pid_n1=
	# Skew_Time of n2 = (156 * 300) / 256 = 182 ms
	[ $rc = 0 ] && within "$t" 100 600 && busywait 2000 u6_only_master n2 n3
	ktap_result $? "IPv6 unicast: SIGTERM of n1 (priority 0 to each peer), n2 takes over in $t ms (Skew 182)"
	stop_halbd n2
	stop_halbd n3
}

u6_cases
