// SPDX-License-Identifier: GPL-2.0
/*
 * Config preprocessor (cfg_pp.c): keepalived's conditional lines,
 * parameters, their substitution, ~SEQ and ~LST blocks, line by line, with the
 * man page's examples and the line each result is reported at; and every
 * error, each naming its file and line.  The expected texts are what
 * keepalived 2.2.7 makes of the same input (keepalived -t -i ID shows the
 * words it does not know), except where it is noted otherwise.
 */
#include <stdlib.h>

#include "halbd/cfg_lex.h"
#include "halbd/cfg_pp.h"
#include "ut.h"
#include "diag_msgs.h"

static char out[1 << 20];
static size_t outlen;
static int nlines;

/* The callback: each line as "LINE:text\n". */
static int take_line(void *arg, const char *line, size_t len, const char *file, int line_no)
{
	(void)arg;
	(void)file;
	nlines++;
	if (outlen + len + 16 < sizeof(out))
		outlen += snprintf(out + outlen, sizeof(out) - outlen, "%d:%.*s\n", line_no,
				   (int)len, line);
	return 0;
}

/* Preprocess @len bytes as "t.conf" in /etc/keepalived: its lines, or NULL after an error. */
static const char *pp_n(const char *id, const char *text, size_t len)
{
	struct cfg_diag d = { .fn = collect };
	struct cfg_pp *p = cfg_pp_new(id, &d, take_line, NULL);
	int rc;

	reset_msgs();
	outlen = 0;
	nlines = 0;
	out[0] = '\0';
	if (!p)
		return NULL;
	rc = cfg_pp_run(p, text, len, "t.conf", "/etc/keepalived");
	cfg_pp_free(p);
	if (!rc && d.errors)
		printf("# errors reported, but the run went on\n");
	return rc ? NULL : out;
}

static const char *pp(const char *id, const char *text)
{
	return pp_n(id, text, strlen(text));
}

static bool error_at(int line, const char *text)
{
	char want[600];

	snprintf(want, sizeof(want), "E: t.conf:%d: %s", line, text);
	return has_msg(want);
}

static bool warning_at(int line, const char *text)
{
	char want[600];

	snprintf(want, sizeof(want), "W: t.conf:%d: %s", line, text);
	return has_msg(want);
}

/* The man page's example, for three config ids. */
static void test_conditionals(void)
{
	const char *conf =
		"global_defs {\n"
		"    @main   router_id main_router\n"
		"    @backup router_id backup_router\n"
		"}\n"
		"vrrp_instance VRRP {\n"
		"    @main    unicast_src_ip 1.2.3.4\n"
		"    @backup  unicast_src_ip 1.2.3.5\n"
		"    @backup2 unicast_src_ip 1.2.3.6\n"
		"    unicast_peer {\n"
		"        @^main    1.2.3.4\n"
		"        @^backup  1.2.3.5\n"
		"        @^backup2 1.2.3.6\n"
		"    }\n"
		"}\n";

	CHECK_STR(pp("main", conf),
		  "1:global_defs {\n2:router_id main_router\n4:}\n5:vrrp_instance VRRP {\n"
		  "6:unicast_src_ip 1.2.3.4\n9:unicast_peer {\n11:1.2.3.5\n12:1.2.3.6\n13:}\n14:}\n");
	CHECK_STR(pp("backup", conf),
		  "1:global_defs {\n3:router_id backup_router\n4:}\n5:vrrp_instance VRRP {\n"
		  "7:unicast_src_ip 1.2.3.5\n9:unicast_peer {\n10:1.2.3.4\n12:1.2.3.6\n13:}\n14:}\n");
	CHECK_STR(pp("other", conf),
		  "1:global_defs {\n4:}\n5:vrrp_instance VRRP {\n"
		  "9:unicast_peer {\n10:1.2.3.4\n11:1.2.3.5\n12:1.2.3.6\n13:}\n14:}\n");
	/* the id is a whole word; nothing after it: nothing kept; an empty id */
	CHECK_STR(pp("main", "@mainx a\n@mai b\n@main\n@^main\n@ c\n@^ d\n@main\te\n"),
		  "6:d\n7:e\n");
	/* several conditions: all must hold (keepalived reads only the first) */
	CHECK_STR(pp("main", "@main @^backup a\n@main @backup b\n"), "1:a\n");
	/* comments go first: a condition on a comment keeps nothing */
	CHECK_STR(pp("main", "@main # priority 1\n@main priority 2 ! two\n"), "2:priority 2\n");
	CHECK_EQ(nmsgs, 0);
}

static void test_definitions(void)
{
	/* defined, redefined, empty; used before the end of a word or after it */
	CHECK_STR(pp("main",
		     "$A=foo\n"
		     "x $A\n"
		     "x $A,bar $A)bar $A.bar ${A}.bar\n"
		     "   $A=re defined  \n"
		     "x ${A}y\n"
		     "$E=\n"
		     "e${E}e\n"),
		  "2:x foo\n3:x foo,bar foo)bar $A.bar foo.bar\n5:x re definedy\n7:ee\n");
	/* not definitions: a blank before '=', a name starting with a digit */
	CHECK_STR(pp("main", "$B =b\n$1B=b\n$B\n"), "1:$B =b\n2:$1B=b\n3:$B\n");
	/* undefined names and shell syntax are left alone */
	CHECK_STR(pp("main", "$A=a\nscript \"sh -c 'echo $UNDEF ${UNDEF} ${HOME:-/} $$ $'\"\n"),
		  "2:script \"sh -c 'echo $UNDEF ${UNDEF} ${HOME:-/} $$ $'\"\n");
	/* a comment ends the value; a quoted '#' stays */
	CHECK_STR(pp("main", "$C=c1 # comment\n$D=\"d#1\"\n$C $D\n"), "3:c1 \"d#1\"\n");
	/* with conditions, the man page's example */
	CHECK_STR(pp("main", "@main $PRIORITY=240\n@backup $PRIORITY=200\n"
			     "vrrp_instance VI_0 {\n    priority $PRIORITY\n}\n"),
		  "3:vrrp_instance VI_0 {\n4:priority 240\n5:}\n");
	CHECK_STR(pp("backup", "@main $PRIORITY=240\n@backup $PRIORITY=200\npriority $PRIORITY\n"),
		  "3:priority 200\n");
	/* a substitution that makes a condition (keepalived 2.2.7 garbles this one) */
	CHECK_STR(pp("main", "$IF_MAIN=@main\n$IF_MAIN priority 240\n"), "2:priority 240\n");
	CHECK_STR(pp("backup", "$IF_MAIN=@main\n$IF_MAIN priority 240\n"), "");
	CHECK_EQ(nmsgs, 0);
}

/* Values are substituted when used, and scanned again with what follows. */
static void test_substitution_at_use(void)
{
	CHECK_STR(pp("main",
		     "$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n"
		     "$ADDRESS_BASE_SUB=0\n"
		     "${ADDRESS_BASE}.100/32\n"
		     "$ADDRESS_BASE_SUB=10\n"
		     "${ADDRESS_BASE}.100/32\n"),
		  "3:10.2.0.100/32\n5:10.2.10.100/32\n");
	/* in place: a value ending in '$' joins with the text after it */
	CHECK_STR(pp("main", "$N=3\n$P=$\n${P}{N}\na$P{N}\n"), "3:3\n4:a$P{N}\n");
	/* a value is scanned to its end: "$B" there ends the line */
	CHECK_STR(pp("main", "$B=b\n$A=x$B\n${A}\n${A}C\n"), "3:xb\n4:x$BC\n");
	/* deep, but not recursive */
	CHECK_STR(pp("main", "$L1=1\n$L2=${L1}${L1}\n$L3=${L2}${L2}\n$L4=${L3}${L3}\n${L4}\n"),
		  "5:11111111\n");
	CHECK_EQ(nmsgs, 0);
}

static const char *instance_def =
	"$INSTANCE= \\\n"
	"vrrp_instance VI_${NUM} { \\\n"
	"    interface eth0.${NUM} \\\n"
	"    use_vmac vrrp${NUM}.1 \\\n"
	"    virtual_router_id 1 \\\n"
	"    @high priority 130 \\\n"
	"    @low priority 120 \\\n"
	"    advert_int 1 \\\n"
	"    virtual_ipaddress { \\\n"
	"        10.0.${NUM}.254/24 \\\n"
	"    } \\\n"
	"    track_script { \\\n"
	"        offset_instance_${NUM} \\\n"
	"    } \\\n"
	"}\n"
	"\n"
	"$NUM=0\n"
	"$INSTANCE\n"
	"\n"
	"$NUM=1\n"
	"$INSTANCE\n";

static void test_multiline(void)
{
	const char *vs =
		"$RS= \\\n"
		"real_server 192.168.${VS_NUM}.${RS_NUM} 80 { \\\n"
		"    weight 1 \\\n"
		"    MISC_CHECK { \\\n"
		"        misc_path \"${_PWD}/scripts/vs.sh RS_misc.${INST}.${VS_NUM}.${RS_NUM}\" \\\n"
		"    } \\\n"
		"}\n"
		"$VS= \\\n"
		"virtual_server 10.0.${VS_NUM}.4 80 { \\\n"
		"    quorum 2 \\\n"
		"    $RS_NUM=1 \\\n"
		"    $RS \\\n"
		"    $RS_NUM=2 \\\n"
		"    $RS \\\n"
		"}\n"
		"$INST=i\n"
		"$VS_NUM=0\n"
		"$VS\n";

	/* the man page's example: each line of a value is read anew, '@' included */
	CHECK_STR(pp("high", instance_def),
		  "18:vrrp_instance VI_0 {\n18:interface eth0.0\n18:use_vmac vrrp0.1\n"
		  "18:virtual_router_id 1\n18:priority 130\n18:advert_int 1\n"
		  "18:virtual_ipaddress {\n18:10.0.0.254/24\n18:}\n18:track_script {\n"
		  "18:offset_instance_0\n18:}\n18:}\n"
		  "21:vrrp_instance VI_1 {\n21:interface eth0.1\n21:use_vmac vrrp1.1\n"
		  "21:virtual_router_id 1\n21:priority 130\n21:advert_int 1\n"
		  "21:virtual_ipaddress {\n21:10.0.1.254/24\n21:}\n21:track_script {\n"
		  "21:offset_instance_1\n21:}\n21:}\n");
	CHECK(strstr(pp("low", instance_def), "18:virtual_router_id 1\n18:priority 120\n"));
	/* nested: definitions inside a value take effect as its lines are read */
	CHECK_STR(pp("main", vs),
		  "18:virtual_server 10.0.0.4 80 {\n18:quorum 2\n"
		  "18:real_server 192.168.0.1 80 {\n18:weight 1\n18:MISC_CHECK {\n"
		  "18:misc_path \"/etc/keepalived/scripts/vs.sh RS_misc.i.0.1\"\n18:}\n18:}\n"
		  "18:real_server 192.168.0.2 80 {\n18:weight 1\n18:MISC_CHECK {\n"
		  "18:misc_path \"/etc/keepalived/scripts/vs.sh RS_misc.i.0.2\"\n18:}\n18:}\n"
		  "18:}\n");
	/* text before the name stays; a first line with a value; a blank line or the end ends it */
	CHECK_STR(pp("main", "$M=m1 \\\n  m2 \\\n\n  m3 \\\n  m4\nx $M\n$N=n1 \\\n n2 \\\n"),
		  "4:m3 \\\n5:m4\n6:x m1\n6:m2\n");
	/* only at the end of a line, as keepalived: else left, with a warning */
	CHECK_STR(pp("main", "$M=a \\\nb\n$M x\n${M}\n"), "3:$M x\n4:a\n4:b\n");
	CHECK(warning_at(3, "multiline definition '$M' is only substituted at the end of a line,"
			 " left as it is"));
	/* one line, then a blank line */
	CHECK_STR(pp("main", "$F=f \\\n\nx $F\n"), "3:x f\n");
	/* a multiline definition with nothing in it is an empty one */
	CHECK_STR(pp("main", "$M= \\\n\nx${M}x\n"), "3:xx\n");
}

static void test_predefined(void)
{
	int bad = 0;

	CHECK_STR(pp("node1", "${_PWD}/x ${_INSTANCE} $_INSTANCE\n"
			      "script \"echo ${_HASH}1 ${_BANG}2\"\n"),
		  "1:/etc/keepalived/x node1 node1\n2:script \"echo #1 !2\"\n");
	/* unquoted, they make a comment all the same, for the lexer to see */
	CHECK_STR(pp("main", "w${_HASH}x y\n"), "1:w#x y\n");
	/* pre-defined names can be redefined */
	CHECK_STR(pp("main", "$_HASH=hash\n${_HASH}\n"), "2:hash\n");
	for (int i = 0; i < 200; i++) {
		const char *r = pp("main", "${_RANDOM 3 5} ${_RANDOM} ${_RANDOM 32760}\n");
		int a, b, c;

		if (!r || sscanf(r, "1:%d %d %d", &a, &b, &c) != 3 || a < 3 || a > 5 ||
		    b < 0 || b > 32767 || c < 32760 || c > 32767)
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK_STR(pp("main", "${_RANDOM 9 9}${_RANDOM 0 0}\n"), "1:90\n");
	/* numbers are for _RANDOM only */
	CHECK_STR(pp("main", "$A=a\n${A 1}\n"), "2:${A 1}\n");
}

static void test_seq(void)
{
	const char *r;

	CHECK_STR(pp("main", "~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n"),
		  "1:ip_address 10.0.0.1\n1:ip_address 10.0.1.1\n1:ip_address 10.0.2.1\n"
		  "1:ip_address 10.0.3.1\n");
	CHECK_STR(pp("main", "~SEQx(SUBNET, 144, 16, 192) ip_address fe80::20:${SUBNET}:1\n"),
		  "1:ip_address fe80::20:90:1\n1:ip_address fe80::20:a0:1\n"
		  "1:ip_address fe80::20:b0:1\n1:ip_address fe80::20:c0:1\n");
	CHECK_STR(pp("main", "~SEQx(S, 0x90, 0x10, 0xc0) ${S}\n"), "1:90\n1:a0\n1:b0\n1:c0\n");
	/* nested, the man page's example: 4 x 7 addresses, the inner one counting down */
	r = pp("main", "virtual_ipaddress {\n"
		       "    ~SEQx(AD2, 0x90, 0x10, 0xc0) ~SEQx(AD1, 0x12, -1, 0x0c) fe81::10:${AD2}:${AD1}\n"
		       "}\n");
	CHECK_EQ(nlines, 2 + 4 * 7);
	CHECK(r && strstr(r, "1:virtual_ipaddress {\n2:fe81::10:90:12\n2:fe81::10:90:11\n") == r);
	CHECK(r && strstr(r, "2:fe81::10:90:c\n2:fe81::10:a0:12\n"));
	CHECK(r && strstr(r, "2:fe81::10:c0:c\n3:}\n"));
	/* short forms: END alone, START and END; octal and hex as C reads them */
	CHECK_STR(pp("main", "~SEQ(U, 3) u$U\n~SEQ(U, 0) z$U\n~SEQ(U, -2) v$U\n"),
		  "1:u1\n1:u2\n1:u3\n2:z1\n2:z0\n3:v-1\n3:v-2\n");
	CHECK_STR(pp("main", "~SEQ(T, 2, 0) t$T\n~SEQ(W,1,1,1) w$W\n~SEQ(O, 010, 4, 0x10) o$O\n"),
		  "1:t2\n1:t1\n1:t0\n2:w1\n3:o8\n3:o12\n3:o16\n");
	/* arguments may use parameters; the rest sees the variable as set */
	CHECK_STR(pp("main", "$N=2\n~SEQ(I, $N) @main i$I\n"), "2:i1\n2:i2\n");
	/* after a condition; a value starting with '~' keeps its '$'s for ~SEQ */
	CHECK_STR(pp("main", "@main ~SEQ(I, 2) a$I\n$S=~SEQ(Q,1,2) q_$Q\n$S\n"),
		  "1:a1\n1:a2\n3:q_1\n3:q_2\n");
	/* with a multiline definition, as the man page's $VI4 (smaller) */
	CHECK_STR(pp("main", "$VI= \\\nvrrp_instance v${IF}.${ID} { \\\n  virtual_router_id ${ID} \\\n}\n"
			     "~SEQ(IF,0,1) ~SEQ(ID,1,2) $VI\n"),
		  "5:vrrp_instance v0.1 {\n5:virtual_router_id 1\n5:}\n"
		  "5:vrrp_instance v0.2 {\n5:virtual_router_id 2\n5:}\n"
		  "5:vrrp_instance v1.1 {\n5:virtual_router_id 1\n5:}\n"
		  "5:vrrp_instance v1.2 {\n5:virtual_router_id 2\n5:}\n");
	CHECK_EQ(nmsgs, 0);
}

static void test_errors(void)
{
	const char *r;

	/* an unterminated ${ */
	CHECK(!pp("main", "$A=a\nx ${A\n"));
	CHECK(error_at(2, "unterminated '${A': no '}' before the end of the line"));
	CHECK(!pp("main", "ok\n\nx ${\n"));
	CHECK(error_at(3, "unterminated '${': no '}' before the end of the line"));
	CHECK(!pp("main", "x ${_RANDOM 1 \n"));
	CHECK(error_at(1, "unterminated '${_RANDOM 1': no '}' before the end of the line"));
	CHECK(!pp("main", "$A=x ${\n${A}\n"));
	CHECK(error_at(2, "unterminated '${': no '}' before the end of the line"));
	/* definitions that use themselves, directly or not, one line or several */
	CHECK(!pp("main", "$A=${A}\nok\n${A}\n"));
	CHECK(error_at(3, "parameter substitution nested more than 32 deep: does '$A' use itself?"));
	CHECK(!pp("main", "$A=x${B}\n$B=y${A}\n\n${A}\n"));
	CHECK(error_at(4, "parameter substitution nested more than 32 deep: does '$A' use itself?"));
	CHECK(!pp("main", "$A=$A\n$A\n"));
	CHECK(!pp("main", "$M= \\\na \\\n$M\n$M\n"));
	CHECK(error_at(4, "expansion nested more than 32 deep: a definition that uses itself?"));
	/* too much: lines, bytes, substitutions, one line's length */
	CHECK(!pp("main", "x\n~SEQ(A, 1, 100001) a$A\n"));
	CHECK(error_at(2, "expansion makes more than 100000 lines"));
	CHECK(!pp("main", "~SEQ(A, -9223372036854775807, 9223372036854775807)\n"));
	CHECK(error_at(1, "expansion makes more than 100000 lines"));
	CHECK(!pp("main", "~SEQ(A, 1, 1000) ~SEQ(B, 1, 1000) ${A}.$B\n"));
	CHECK(error_at(1, "expansion makes more than 100000 lines"));
	CHECK_EQ(nlines, 100000 - 100);
	CHECK(!pp("main", "$M= \\\na \\\nb \\\nc\n~SEQ(A, 40000) $M\n"));
	CHECK(error_at(5, "expansion makes more than 100000 lines"));
	r = "$A=0123456789012345678901234567890123456789012345678901234567890123456789\n"
	    "$B=${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}\n"
	    "$C=${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}\n"
	    "$D=${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}\n"
	    "${C}\n${D}\n";
	CHECK(!pp("main", r));
	CHECK(error_at(6, "line longer than 65536 bytes after parameter substitution"));
	CHECK_EQ(nlines, 1);
	CHECK(!pp("main", "$C=${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}\n"
			  "$B=0123456789012345678901234567890123456789012345678901234567890123456789\n"
			  "~SEQ(I, 1, 100000) ${C}\n"));
	CHECK(error_at(3, "expansion makes more than 1 MiB"));
	/* 1 + 16 + 16^2 + ... + 16^5 substitutions for ${A}, all of them empty */
	CHECK(!pp("main", "$F=\n$E=${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}\n"
			  "$D=${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}\n"
			  "$C=${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}\n"
			  "$B=${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}${C}\n"
			  "$A=${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}\n"
			  "${B}\n${A}\n"));
	CHECK(error_at(8, "more than 1000000 parameter substitutions"));
	CHECK_EQ(nlines, 0);
	/* ${_RANDOM} */
	CHECK(!pp("main", "${_RANDOM 5 4}\n"));
	CHECK(error_at(1, "${_RANDOM 5 4}: MIN is greater than MAX"));
	CHECK(!pp("main", "${_RANDOM 40000}\n"));
	CHECK(error_at(1, "${_RANDOM 40000 32767}: MIN is greater than MAX"));
	CHECK(!pp("main", "${_RANDOM 1 2 3}\n"));
	CHECK(error_at(1, "${_RANDOM MIN MAX} takes two numbers at most"));
	CHECK(!pp_n("main", "a\nb\0c\n", 6));
	CHECK(error_at(2, "NUL byte in configuration"));
}

static bool seq_error(const char *text, const char *msg)
{
	return !pp("main", text) && error_at(1, msg);
}

static void test_seq_errors(void)
{
	CHECK(seq_error("~SEQ(S, 1, 0, 3) s\n",
			"invalid '~SEQ(S, 1, 0, 3)': STEP does not lead from START to END"));
	CHECK(seq_error("~SEQ(S, 3, 1, 1) s\n",
			"invalid '~SEQ(S, 3, 1, 1)': STEP does not lead from START to END"));
	CHECK(seq_error("~SEQ(S, 1, -1, 3) s\n",
			"invalid '~SEQ(S, 1, -1, 3)': STEP does not lead from START to END"));
	CHECK(seq_error("~SEQx(S, -1, 2) s\n",
			"invalid '~SEQx(S, -1, 2)': ~SEQx takes no negative numbers"));
	CHECK(seq_error("~SEQ S, 1) s\n", "invalid '~SEQ S, 1)': '(' expected after ~SEQ"));
	CHECK(seq_error("~SEQUENCE(S, 1) s\n",
			"invalid '~SEQUENCE(S, 1)': '(' expected after ~SEQ"));
	CHECK(seq_error("~SEQ(S 1, 2) s\n",
			"invalid '~SEQ(S 1, 2)': a parameter name and ',' expected first"));
	CHECK(seq_error("~SEQ(1S, 2) s\n",
			"invalid '~SEQ(1S, 2)': a parameter name and ',' expected first"));
	CHECK(seq_error("~SEQ(, 2) s\n",
			"invalid '~SEQ(, 2)': a parameter name and ',' expected first"));
	CHECK(seq_error("~SEQ(S, 1, 2 s\n", "invalid '~SEQ(S, 1, 2 s': no ')'"));
	CHECK(seq_error("~SEQ(S) s\n",
			"invalid '~SEQ(S)': a parameter name and ',' expected first"));
	CHECK(seq_error("~SEQ(S, ) s\n",
			"invalid '~SEQ(S, )': the arguments after the variable must be integers"));
	CHECK(seq_error("~SEQ(S, 1, , 3) s\n",
			"invalid '~SEQ(S, 1, , 3)': the arguments after the variable must be integers"));
	CHECK(seq_error("~SEQ(S, 1x) s\n",
			"invalid '~SEQ(S, 1x)': the arguments after the variable must be integers"));
	CHECK(seq_error("~SEQ(S, $UNDEF) s\n",
			"invalid '~SEQ(S, $UNDEF)': the arguments after the variable must be integers"));
	CHECK(seq_error("~SEQ(S, 99999999999999999999) s\n",
			"invalid '~SEQ(S, 99999999999999999999)': the arguments after the variable must be integers"));
	CHECK(seq_error("~SEQ(S, 1, 2, 3, 4) s\n",
			"invalid '~SEQ(S, 1, 2, 3, 4)': more than 4 arguments"));
	CHECK(!pp("main", "$M=1 \\\n2\n~SEQ(S, ${M}) s\n"));
	CHECK(error_at(3, "invalid '~SEQ(S, ${M})': a multiline definition in the arguments"));
}

/* The man page's list blocks, alone, nested and with ~SEQ. */
static void test_lst(void)
{
	CHECK_STR(pp("main", "~LST({IP, IP1}, {10,1},{20,4},{5,6},{12,8}) 192.168.${IP}.${IP1}\n"),
		  "1:192.168.10.1\n1:192.168.20.4\n1:192.168.5.6\n1:192.168.12.8\n");
	CHECK_STR(pp("main", "~LST(IP, 1, 2) ~LST(IP1, 5,6,7) 192.169.${IP}.${IP1}\n"),
		  "1:192.169.1.5\n1:192.169.1.6\n1:192.169.1.7\n"
		  "1:192.169.2.5\n1:192.169.2.6\n1:192.169.2.7\n");
	CHECK_STR(pp("main",
		     "~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,172) 192.${IP2}.${IP}.${IP1}\n"),
		  "1:192.168.10.1\n1:192.170.10.1\n1:192.172.10.1\n"
		  "1:192.168.20.4\n1:192.170.20.4\n1:192.172.20.4\n");
	/* values are substituted when used; missing and empty ones are empty */
	CHECK_STR(pp("main", "$N=7\n~LST(Z, $N, x) o_$Z\n~LST({A, B}, {1}, {, 2}) a${A}b${B}\n"),
		  "2:o_7\n2:o_x\n3:a1b\n3:ab2\n");
	CHECK_EQ(nmsgs, 0);
}

static bool lst_error(const char *text, const char *msg)
{
	return !pp("main", text) && error_at(1, msg);
}

static void test_lst_errors(void)
{
	CHECK(lst_error("~LST V, 1) v\n", "invalid '~LST V, 1)': '(' expected after ~LST"));
	CHECK(lst_error("~LST(V) v\n", "invalid '~LST(V)': no values"));
	CHECK(lst_error("~LST(V, ) v\n", "invalid '~LST(V, )': no values"));
	CHECK(lst_error("~LST(1V, 1) v\n",
			"invalid '~LST(1V, 1)': parameter names expected first"));
	CHECK(lst_error("~LST({A, }, 1) v\n",
			"invalid '~LST({A, }, 1)': parameter names expected first"));
	CHECK(lst_error("~LST({A B}, 1) v\n",
			"invalid '~LST({A B}, 1)': '}' expected after the parameter names"));
	CHECK(lst_error("~LST(V, {1, 2}) v\n",
			"invalid '~LST(V, {1, 2})': more values in a set than parameter names"));
	CHECK(lst_error("~LST({A, B}, {1, 2) v\n",
			"invalid '~LST({A, B}, {1, 2)': '}' expected after a set of values"));
	CHECK(lst_error("~LST(V, b c) v\n",
			"invalid '~LST(V, b c)': ',' or ')' expected after a value"));
	CHECK(lst_error("~LST(V, 1, 2\n", "invalid '~LST(V, 1, 2': no ')'"));
	CHECK(lst_error("~LST(A, 1, 2) ~LST(B, 1, 2) ~SEQ(C, 1, 25000) x\n",
			"expansion makes more than 100000 lines"));
}

/* What the callback says stops the run; an include may run the same preprocessor. */
static struct cfg_pp *inc_pp;

static int include_line(void *arg, const char *line, size_t len, const char *file, int line_no)
{
	static const char *inc = "$IN=from inc\n@main in inc ${OUT}\n$M= \\\n";

	if (!strncmp(line, "stop", 4))
		return -1;
	if (!strncmp(line, "include", 7))
		return cfg_pp_run(inc_pp, inc, strlen(inc), "inc.conf", "/inc");
	return take_line(arg, line, len, file, line_no);
}

static void test_includes_share_definitions(void)
{
	struct cfg_diag d = { .fn = collect };
	const char *text = "$OUT=from t\ninclude inc.conf\n${IN} ${_PWD}\nx\nstop\nnot reached\n";

	reset_msgs();
	outlen = 0;
	inc_pp = cfg_pp_new("main", &d, include_line, NULL);
	CHECK(inc_pp);
	if (!inc_pp)
		return;
	CHECK_EQ(cfg_pp_run(inc_pp, text, strlen(text), "t.conf", "/etc"), -1);
	/* the open multiline definition ended with inc.conf */
	CHECK_STR(out, "2:in inc from t\n3:from inc /etc\n4:x\n");
	cfg_pp_free(inc_pp);
}

int main(void)
{
	RUN(test_conditionals);
	RUN(test_definitions);
	RUN(test_substitution_at_use);
	RUN(test_multiline);
	RUN(test_predefined);
	RUN(test_seq);
	RUN(test_errors);
	RUN(test_seq_errors);
	RUN(test_lst);
	RUN(test_lst_errors);
	RUN(test_includes_share_definitions);
	reset_msgs();
	return ut_total_fail ? 1 : 0;
}
