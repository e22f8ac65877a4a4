#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make-man.py synctva|synctva-studio BINARY OUT VERSION DATE: writes the program's manual page
# (man(7) roff) from its own --help, so the page lists exactly the commands, kinds and options
# the build has.  The prose around them (description, environment, files, exit status) is here.
# Every help text goes through roff() so that no line can start a request and no backslash,
# hyphen or non-ASCII character reaches groff unescaped.
import os
import re
import subprocess
import sys

# the caller's environment, less a display (help needs none), in one locale, and without the
# leak report of a sanitizer build (it would change the exit status, not the text)
ENV = {k: v for k, v in os.environ.items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
ENV.update(LC_ALL='C.UTF-8', ASAN_OPTIONS='detect_leaks=0')


def run_help(binary, *args):
    """The help text and exit status of BINARY ARGS --help (stdout and stderr together)."""
    p = subprocess.run([binary, *args, '--help'], capture_output=True, text=True, env=ENV)
    return p.returncode, (p.stdout + p.stderr).replace('\u2026', '...')


def roff(text):
    """Text for a roff text line: backslashes, hyphens and non-ASCII characters escaped."""
    out = []
    for ch in text:
        if ch == '\\':
            out.append('\\e')
        elif ch == '-':
            out.append('\\-')
        elif ord(ch) > 127:
            out.append('\\[u%04X]' % ord(ch))
        else:
            out.append(ch)
    s = ''.join(out)
    if s.startswith('.') or s.startswith("'"):
        s = '\\&' + s
    return s


def option_term(term):
    """'-a, --annotator=NAME' in bold, with the value in italics."""
    parts = []
    for alt in term.split(', '):
        name, eq, value = alt.partition('=')
        s = '\\fB' + roff(name) + '\\fR'
        if eq:
            s += '=\\fI' + roff(value) + '\\fR'
        parts.append(s)
    return ', '.join(parts)


def parse_goption(text):
    """A GOption help: (usage lines, [(option, text)], description paragraphs as line lists)."""
    usage, options, paragraphs = [], [], []
    section = None
    para = []
    for line in text.splitlines():
        if line in ('Usage:',):
            section = 'usage'
            continue
        if re.match(r'^(?:[A-Za-z ]+ )?[Oo]ptions:?$', line):
            section = 'options'
            continue
        if line.strip() == '':
            if section == 'description' and para:
                paragraphs.append(para)
                para = []
            elif section == 'usage' and usage:
                section = 'description'
            elif section == 'options' and options:
                section = 'description'
            continue
        if section == 'usage':
            usage.append(line.strip())
        elif section == 'options':
            m = re.match(r'^\s+(-\S.*?)\s{2,}(\S.*)$', line)
            if m:
                options.append((m.group(1), m.group(2)))
            else:
                section = 'description'
                para.append(line)
        else:
            section = 'description'
            para.append(line)
    if para:
        paragraphs.append(para)
    return usage, options, paragraphs


def emit_paragraphs(out, paragraphs):
    """Prose is filled; indented lines (tables of kinds, synopses) are kept as laid out."""
    for para in paragraphs:
        if (len(para) > 1 and not para[0].startswith(' ')
                and all(re.match(r'^\s{4,}\S', l) for l in para[1:])):
            runs = [(True, para)]   # a synopsis whose later lines are aligned under the first
        else:
            runs = []
            for l in para:
                indented = l.startswith(' ')
                if runs and runs[-1][0] == indented:
                    runs[-1][1].append(l)
                else:
                    runs.append((indented, [l]))
        out.append('.PP')
        for indented, lines in runs:
            if indented:
                out.append('.nf')
                out.append('.RS 4')
                for l in lines:
                    out.append(roff(l.rstrip()))
                out.append('.RE')
                out.append('.fi')
            else:
                for l in lines:
                    out.append(roff(l.strip()))


def emit_goption(out, text, skip=()):
    """The body of one command's or kind's help: usage, options, description."""
    usage, options, paragraphs = parse_goption(text)
    if usage:
        out.append('.PP')
        out.append('.nf')
        for u in usage:
            out.append('\\fB' + roff(u) + '\\fR')
        out.append('.fi')
    for term, desc in options:
        if term in skip:
            continue
        out.append('.TP')
        out.append(option_term(term))
        out.append(roff(desc))
    emit_paragraphs(out, paragraphs)


def kinds_of(command, text):
    """The kinds (subcommands) a command's help names: table rows '  meld DIR ...' and
    'usage: synctva model info' lines."""
    kinds = []
    lines = text.splitlines()
    for l in lines:
        m = re.match(r'^\s*(?:usage:\s*)?synctva (?:\[OPTION\.\.\.\] )?' + re.escape(command)
                     + r' ([a-z][a-z0-9-]*)\b', l, re.I)
        if m:
            kinds.append(m.group(1))
    started = False
    for l in lines:
        if not started:
            started = l.strip() == '' and any(x.strip() for x in lines[:lines.index(l)])
            continue
        m = re.match(r'^  ([a-z][a-z0-9-]*(?:\|[a-z][a-z0-9-]*)*)\s+\S', l)
        if m and m.group(1) != 'synctva':
            kinds.extend(m.group(1).split('|'))
    seen = []
    for k in kinds:
        if k not in seen:
            seen.append(k)
    return seen


def header(out, name, section_title, version, date):
    out.append('.\\" SPDX-License-Identifier: GPL-3.0-or-later')
    out.append('.\\" Generated by man/make-man.py from the program\'s --help; edit that, not this.')
    out.append('.TH %s 1 "%s" "%s" "%s"' % (name.upper(), date, roff(version), section_title))


def synctva_page(binary, version, date):
    rc, top = run_help(binary)
    if rc != 0:
        sys.exit('make-man.py: %s --help exited with %d' % (binary, rc))
    commands = []
    for l in top.splitlines():
        m = re.match(r'^  ([a-z][a-z0-9-]*)\s+(\S.*)$', l)
        if m:
            commands.append((m.group(1), m.group(2)))
    if not commands:
        sys.exit('make-man.py: %s --help lists no command' % binary)

    out = []
    header(out, 'synctva', 'Sync-TVA Studio', 'synctva ' + version, date)
    out += ['.SH NAME',
            'synctva \\- corpora, features, emotion models, exports and figures of '
            'Sync\\-TVA projects',
            '.SH SYNOPSIS',
            '.B synctva',
            '.I COMMAND',
            '[\\fIARGS\\fR] [\\fB\\-\\-project\\fR \\fIFILE\\fR]',
            '.br',
            '.B synctva',
            '.I COMMAND',
            '.B \\-\\-help',
            '.SH DESCRIPTION',
            '.B synctva',
            'is the command line of Sync\\-TVA Studio, a tool for people who study emotion in '
            'conversation.',
            'It imports dialogue corpora (MELD and IEMOCAP layouts, subtitles, ELAN and Praat '
            'annotations, CSV) into a project, extracts text, audio and visual features, trains '
            'and evaluates the Sync\\-TVA multimodal emotion model, predicts every utterance, '
            'and exports labels, datasets and figures.',
            'It runs without a display, so the whole pipeline works on a server or in a batch '
            'job; the studio,',
            '.BR synctva\\-studio (1),',
            'reviews and corrects the same projects.',
            '.PP',
            'A project is one SQLite database, by convention named \\fI*.stva\\fR.',
            'Commands that work on a project take \\fB\\-\\-project\\fR \\fIFILE\\fR; without it '
            'they use \\fB$SYNCTVA_PROJECT\\fR, else the single \\fI*.stva\\fR file in the '
            'current folder.',
            'Commands that take \\fB\\-\\-json\\fR print their result as one JSON object on '
            'standard output instead of text.',
            'Long work (extraction, training, prediction, merging, the demo corpus) stops '
            'cleanly on Ctrl\\-C and keeps what is done, as each command says below.',
            '.SH COMMANDS']
    for name, summary in commands:
        out.append('.TP')
        out.append('\\fB' + roff(name) + '\\fR')
        out.append(roff(summary))

    for name, summary in commands:
        rc, text = run_help(binary, name)
        out.append('.SS "synctva %s"' % roff(name))
        if not text.lstrip().startswith('Usage:'):
            # a command whose own help is a summary of its kinds (label-set, model)
            emit_paragraphs(out, [p.splitlines() for p in text.strip().split('\n\n')])
        else:
            emit_goption(out, text)
        kinds = kinds_of(name, text)
        for kind in kinds:
            krc, ktext = run_help(binary, name, kind)
            if krc != 0 or ktext == text or not ktext.lstrip().startswith('Usage:'):
                continue
            out.append('.PP')
            out.append('\\fBsynctva %s %s\\fR' % (roff(name), roff(kind)))
            out.append('.RS 4')
            emit_goption(out, ktext, skip=('-h, --help',))
            out.append('.RE')

    out += ['.SH ENVIRONMENT',
            '.TP',
            '.B SYNCTVA_PROJECT',
            'The project a command uses when neither its \\fB\\-\\-project\\fR option nor (for '
            '\\fBinit\\fR) its argument names one.',
            '.SH FILES',
            '.TP',
            '.I *.stva',
            'A project: corpora, labels and every correction with its annotator, features, '
            'models and their predictions, in one SQLite database.',
            '.TP',
            '.I *.stvm',
            'A model file written by \\fBtrain\\fR and read by \\fBeval\\fR, \\fBpredict\\fR '
            'and \\fBmodel info\\fR; it ends with a CRC\\-32 of its contents.',
            '.TP',
            '.I .synctva\\-cache/',
            'The feature cache of \\fBextract\\fR, per utterance, modality and extractor '
            'version.',
            '.SH EXIT STATUS',
            '.TP',
            '.B 0',
            'Success.',
            '.TP',
            '.B 1',
            'The command failed; the message on standard error, after \\(lqsynctva:\\(rq, '
            'names the file and the problem.',
            '.TP',
            '.B 2',
            'A usage error: an unknown command or option, a missing or bad value.',
            '.SH SEE ALSO',
            '.BR synctva\\-studio (1),',
            '.BR sqlite3 (1)']
    return '\n'.join(out) + '\n'


def studio_page(binary, version, date):
    rc, text = run_help(binary)
    if rc != 0:
        sys.exit('make-man.py: %s --help exited with %d' % (binary, rc))
    _, _, paragraphs = parse_goption(text)
    p = subprocess.run([binary, '--help-all'], capture_output=True, text=True, env=ENV)
    if p.returncode != 0:
        sys.exit('make-man.py: %s --help-all exited with %d' % (binary, p.returncode))
    # every "  -x, --name=VALUE  text" row of every group (help, GApplication, application)
    options = []
    for l in p.stdout.replace('\u2026', '...').splitlines():
        m = re.match(r'^\s+(-\S.*?)\s{2,}(\S.*)$', l)
        if m:
            options.append((m.group(1), m.group(2)))

    out = []
    header(out, 'synctva-studio', 'Sync-TVA Studio', 'synctva-studio ' + version, date)
    out += ['.SH NAME',
            'synctva\\-studio \\- review a multimodal emotion model\'s predictions and correct '
            'the labels of recorded conversations',
            '.SH SYNOPSIS',
            '.B synctva\\-studio',
            '[\\fIOPTION\\fR...] [\\fIPROJECT\\fR.stva | \\fICORPUS_DIR\\fR]',
            '.SH DESCRIPTION']
    emit_paragraphs(out, paragraphs)
    out += ['.PP',
            'Sync\\-TVA Studio is the desktop side of Sync\\-TVA (GTK 4 and libadwaita).',
            'It shows a project\'s dialogues in a list, plays the selected utterance\'s video '
            'with its sound, draws the speakers on a timeline and lists the utterances with '
            'their gold and predicted labels; the annotator corrects a label with one key per '
            'label, with undo and redo, and every correction is kept in the project under the '
            'annotator\'s name.',
            'A folder in MELD\'s layout instead of a project is offered for import into a new '
            'project.',
            '.PP',
            'The studio asks once per project who is labelling, unless \\fB\\-\\-annotator\\fR '
            'or the preferences name someone.',
            'The keyboard shortcuts are listed in the studio (Ctrl+?, or the main menu).',
            '.PP',
            'The command line,',
            '.BR synctva (1),',
            'runs the same pipeline without a display: import, feature extraction, training, '
            'prediction, exports and figures.',
            '.SH OPTIONS']
    for term, desc in options:
        out.append('.TP')
        out.append(option_term(term))
        out.append(roff(desc))
    out += ['.SH FILES',
            '.TP',
            '.I $XDG_CONFIG_HOME/synctva\\-studio/settings.ini',
            'The preferences (Ctrl+comma): the annotator name for new projects, moving on '
            'after labelling, playing on selection, the playback speed and the colour scheme; '
            '\\fI~/.config\\fR when \\fBXDG_CONFIG_HOME\\fR is not set.',
            '.TP',
            '.I *.stva',
            'A project (one SQLite database); see',
            '.BR synctva (1).',
            '.SH ENVIRONMENT',
            'The usual GTK and GLib variables apply (\\fBGDK_BACKEND\\fR, \\fBGTK_DEBUG\\fR, '
            '\\fBXDG_CONFIG_HOME\\fR).',
            '.TP',
            '.B STVA_AUDIO',
            'Set to \\fBnone\\fR to play video without sound (no audio device is opened).',
            '.SH EXIT STATUS',
            '0 when the studio closes normally, 1 when it cannot start.',
            '.SH SEE ALSO',
            '.BR synctva (1)']
    return '\n'.join(out) + '\n'


def main():
    if len(sys.argv) != 6 or sys.argv[1] not in ('synctva', 'synctva-studio'):
        sys.exit('usage: make-man.py synctva|synctva-studio BINARY OUT VERSION DATE')
    which, binary, path, version, date = sys.argv[1:]
    page = (synctva_page if which == 'synctva' else studio_page)(binary, version, date)
    with open(path + '.tmp', 'w', encoding='ascii') as f:
        f.write(page)
    os.replace(path + '.tmp', path)


if __name__ == '__main__':
    main()
