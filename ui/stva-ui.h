/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The API of ui/: the studio's application, session and widgets.
 */
#pragma once

#include "stva-application.h"
#include "stva-items.h"
#include "stva-keys.h"
#include "stva-session.h"
#include "stva-window.h"
