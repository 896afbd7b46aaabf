/*
 * client/assignor.h - partition assignors for the classic consumer-group
 * protocol: the group leader runs one over every member's subscription and
 * sends each member its share in SyncGroup.
 *
 *  range               Java RangeAssignor: per topic, the subscribed
 *                      members in order each get a contiguous range; the
 *                      first (partitions % members) get one extra.
 *  roundrobin          Java RoundRobinAssignor: every topic-partition in
 *                      (topic, partition) order dealt to the members in
 *                      turn, skipping members not subscribed to its topic.
 *  sticky              balanced and sticky (members keep what they own
 *                      where balance allows); eager protocol.
 *  cooperative-sticky  the same plan under KIP-429: a partition moving from
 *                      its current owner to another member is left out of
 *                      this round (sc_assign_result.withheld counts them);
 *                      the owner revokes it, rejoins, and the next round
 *                      hands it over. No partition is ever given to one
 *                      member while another still holds it.
 *
 * Members are ordered as the Java client orders them (static members first
 * by group.instance.id, then dynamic ones by member id, comparing strings
 * as java.lang.String.compareTo does), topics by name, so a samsa leader
 * gives the same range/roundrobin answer as a Java leader would.
 *
 * Sticky details: a member's claims (owned partitions) carry the member's
 * generation. For each partition the claim with the highest generation
 * wins; two claims at that same generation make it contested (kept by
 * nobody; in cooperative mode withheld one round). A claim on a topic the
 * member no longer subscribes to, or on a partition that no longer exists,
 * is not kept. The plan keeps every valid claim, hands out the unowned
 * partitions to the least loaded eligible member, then moves partitions
 * one at a time from a member to an eligible one with at least two fewer
 * until none can move. The result: with equal subscriptions every member
 * has floor or ceil of partitions/members; with different subscriptions no
 * partition can move to an eligible member with two fewer; with no
 * membership change and a balanced start, nothing moves.
 * Cost: reading the input is linear in the subscriptions (topic names go
 * through a hash table); the sticky plan is O(P log N) with equal
 * subscriptions, and with different ones each partition moved while
 * balancing costs O(N + P/T) more.
 *
 * Input strings are views (sp_str, not NUL-terminated, len -1 = null),
 * typically into the JoinGroup response; the result's topic views point
 * at the input's sc_assign_topic names, so the input strings must outlive
 * the result. The result owns every other allocation and is released by
 * sc_assign_result_free(). Allocation uses the given samsa_allocator
 * (NULL = libc) for the call and for the result.
 *
 * Caps (SAMSA_ERR_LIMIT beyond them): SC_ASSIGN_MAX_MEMBERS members,
 * SC_ASSIGN_MAX_TOPICS topics, SC_ASSIGN_MAX_PARTITIONS partitions in total
 * over the topics given, SC_ASSIGN_MAX_LIST entries in one member's topic
 * or owned list. INVALID_ARG for a null member id, a duplicate member id,
 * a duplicate or null topic name or a negative partition count.
 *
 * Thread rules: pure functions; any thread, no shared state.
 */
#ifndef SC_ASSIGNOR_H
#define SC_ASSIGNOR_H

#include <stddef.h>
#include <stdint.h>

#include "samsa/alloc.h"
#include "reader.h" /* sp_str */

#define SC_ASSIGN_MAX_MEMBERS    16384u
#define SC_ASSIGN_MAX_TOPICS     65536u
#define SC_ASSIGN_MAX_PARTITIONS (1u << 21)
#define SC_ASSIGN_MAX_LIST       (1u << 21)

/* Generation of a member that did not report one (oldest possible). */
#define SC_ASSIGN_NO_GENERATION (-1)

typedef struct sc_assign_tp {
    sp_str topic;
    int32_t partition;
} sc_assign_tp;

typedef struct sc_assign_member {
    sp_str member_id;         /* required */
    sp_str group_instance_id; /* len -1 = dynamic member */
    sp_str rack;              /* len -1 = unknown (not used yet) */
    const sp_str *topics;     /* subscription; duplicates are harmless */
    size_t ntopics;
    const sc_assign_tp *owned; /* claims (sticky assignors only) */
    size_t nowned;
    int32_t generation;        /* generation of the claims */
} sc_assign_member;

typedef struct sc_assign_topic {
    sp_str name;
    int32_t partitions;        /* from metadata; topics absent here are skipped */
} sc_assign_topic;

typedef struct sc_assign_input {
    const sc_assign_member *members;
    size_t nmembers;
    const sc_assign_topic *topics;
    size_t ntopics;
} sc_assign_input;

/* One member's share, sorted by topic name then partition. */
typedef struct sc_assign_share {
    const sc_assign_tp *parts; /* into the result's storage */
    size_t nparts;
} sc_assign_share;

typedef struct sc_assign_result {
    const samsa_allocator *alloc;
    sc_assign_share *shares;   /* one per input member, in input order */
    size_t nmembers;
    sc_assign_tp *storage;
    size_t assigned;           /* partitions given out */
    size_t withheld;           /* cooperative: held back until revoked */
} sc_assign_result;

enum sc_rebalance_protocol {
    SC_REBALANCE_EAGER = 1,
    SC_REBALANCE_COOPERATIVE = 2
};

typedef struct sc_assignor {
    const char *name;       /* protocol name sent in JoinGroup */
    const char *java_class; /* what Java users put in the property */
    int protocols;          /* mask of enum sc_rebalance_protocol */
    /* Fills *out (zeroed first; free it with sc_assign_result_free, also
     * after an error). 0, INVALID_ARG, LIMIT or NO_MEMORY. */
    int (*assign)(const samsa_allocator *alloc, const sc_assign_input *in,
                  sc_assign_result *out);
} sc_assignor;

/* Assignor by protocol name or Java class name (exact, case-sensitive),
 * NULL when unknown. */
const sc_assignor *sc_assignor_find(const char *name, size_t len);

/*
 * Parse a partition.assignment.strategy list ("range, cooperative-sticky";
 * commas, blanks around names ignored) into up to `max` assignors in order,
 * duplicates dropped. *n gets the count. NOT_FOUND when a
 * name is unknown (*bad and *badlen then point at it), INVALID_ARG when empty,
 * LIMIT when more than max distinct names.
 */
int sc_assignor_parse_list(const char *list, const sc_assignor **out, size_t max,
                           size_t *n, const char **bad, size_t *badlen);

/* The assignors themselves (also reachable through sc_assignor_find). */
int sc_assign_range(const samsa_allocator *alloc, const sc_assign_input *in,
                    sc_assign_result *out);
int sc_assign_roundrobin(const samsa_allocator *alloc, const sc_assign_input *in,
                         sc_assign_result *out);
int sc_assign_sticky(const samsa_allocator *alloc, const sc_assign_input *in,
                     sc_assign_result *out);
int sc_assign_cooperative_sticky(const samsa_allocator *alloc,
                                 const sc_assign_input *in, sc_assign_result *out);

void sc_assign_result_free(sc_assign_result *r);

/* java.lang.String.compareTo over UTF-8 (UTF-16 code unit order); falls
 * back to byte order for invalid UTF-8. <0, 0, >0. */
int sc_java_strcmp(sp_str a, sp_str b);

#endif
