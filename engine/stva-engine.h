/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * engine/'s API: every job that takes longer than a frame, shared by the command line and the
 * studio (architecture.md).  Each job runs synchronously on the caller's thread with a
 * StvaJob for progress and cancel (stva-job.h), opens its own database connection, and has an
 * _async/_finish pair over stva_job_run_async () for the studio.  Other code includes this
 * header only.
 */
#pragma once

#include "stva-job.h"
#include "stva-attention.h"
#include "stva-engine-data.h"
#include "stva-engine-extract.h"
#include "stva-engine-predict.h"
#include "stva-engine-train.h"
#include "stva-engine-project.h"
#include "stva-engine-figure.h"
#include "stva-engine-audit.h"
