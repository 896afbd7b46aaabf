/*
 * samsa.h - the public API of samsa, a pure-C Kafka client.
 *
 * Include this one header. Layers and ownership rules are described in
 * docs/architecture.md; each included header states its own.
 */
#ifndef SAMSA_H
#define SAMSA_H

#include "samsa/alloc.h"
#include "samsa/client.h"
#include "samsa/conf.h"
#include "samsa/error.h"
#include "samsa/producer.h"
#include "samsa/consumer.h"
#include "samsa/admin.h"
#include "samsa/describe.h"
#include "samsa/version.h"

#endif
