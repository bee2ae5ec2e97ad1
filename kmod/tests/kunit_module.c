// SPDX-License-Identifier: GPL-2.0
/*
 * halb_kunit.ko: KUnit suites for halb's pure logic, compiled here from the
 * same kmod/algo sources as halb.ko.  Each *_test.c registers its own
 * suite with kunit_test_suites(); loading the module runs them all and
 * prints KTAP to the kernel log (and /sys/kernel/debug/kunit/<suite>/results).
 */
#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests of halb's scheduling, hashing, TCP state and FULLNAT port logic");
MODULE_LICENSE("GPL");
