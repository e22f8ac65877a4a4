/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A second thread that a workspace can own, for the one-dialogue forward (the studio opening a
 * dialogue): stva_duo_run (duo, fn, arg) runs fn (arg, 0) on the caller and fn (arg, 1) on the
 * helper, or on the caller too when the helper has not taken it by the time the caller's half
 * is done (asleep, or not scheduled on a busy machine), and returns when both are done: each
 * part runs exactly once.  The jobs are short (a linear layer of a dialogue, tens of
 * microseconds), so the helper spins on an atomic counter between jobs for a while
 * (STVA_DUO_SPIN_US) before it sleeps on a condition variable; a caller waiting for the
 * helper's half spins, then yields.  Not a pool: one caller at a time, the workspace's owner.
 * No globals.
 */
#pragma once

#include <stdbool.h>

#define STVA_DUO_SPIN_US 200        /* how long the helper polls for the next job before sleeping */
#define STVA_DUO_WAIT_SPIN_US 50    /* how long the caller polls for the helper's half before it
                                     * yields the CPU between polls */

typedef struct StvaDuo StvaDuo;

typedef void (*StvaDuoFunc) (void *arg, int part);

/* NULL when the thread cannot be started (the caller then works alone). */
StvaDuo *stva_duo_new  (void);
void     stva_duo_run  (StvaDuo *duo, StvaDuoFunc fn, void *arg);
void     stva_duo_free (StvaDuo *duo);
