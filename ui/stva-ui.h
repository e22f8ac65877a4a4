/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The API of ui/: the studio's GTK 4 widgets.
 */
#pragma once

#include "stva-window.h"
