#!/usr/bin/env bash
# scripts/lint.sh — `make lint`: the house rules a compiler does not check.
# Prints "file:line: rule: what" for each finding and exits 1 if any.
#
# Rules (docs/conventions, ../shared/style.md rules 2 and 4, design.md on money):
#
#  sql-format   in cgi-bin/, lib/, tools/ (*.c, *.h): a call of a printf-style
#               function — printf sprintf snprintf asprintf vsnprintf vsprintf
#               vasprintf fprintf dprintf ts_buf_printf ts_buf_vprintf
#               hdf_set_valuef FCGX_FPrintF — with a string literal among its
#               arguments that holds SQL: an upper-case SELECT, INSERT, UPDATE,
#               DELETE or REPLACE, " WHERE ", VALUES, or in any case
#               "select … from", "insert into", "delete from",
#               "update <t> set", "replace into".  SQL lives in prepared
#               statements with ? placeholders.
#  html-format  the same calls with a literal holding an HTML tag ("<div",
#               "</td>", "<br>", "<!DOCTYPE", "<!--"; lower-case HTML element
#               names only, so XML such as <Record> in data packages passes).
#               HTML lives in templates/; lib's reviewed raw helpers are the
#               exception and carry a lint:allow marker.
#  sql-copy, html-copy
#               strcat strcpy strncat strncpy stpcpy of such a literal.
#  format-string
#               any string literal (adjacent literals joined, PRId64-style
#               macros read as %d) holding a printf conversion (%s, %d, %lld,
#               ...) together with SQL ("select … from", "insert into", ...)
#               or an HTML tag: a format string kept in a variable or macro.
#               Literals passed straight to ts_db_*() / mysql_*() are SQL
#               text for a prepared statement (DATE_FORMAT's %Y is fine).
#  raw-number   atoi atol atoll atof strtol strtoll strtoul strtoull strtoimax
#               strtoumax strtod strtof strtold sscanf in cgi-bin/: handlers
#               read declared, validated params (ts_param_*).
#  float        a float or double token in lib/ or cgi-bin/, except in files
#               whose name, or on lines whose text, mentions chart, svg, pdf or
#               captcha: money is int64_t fen (design.md, "Data conventions").
#
# Comments and string contents never trigger the token rules.  A finding
# that is right on purpose is silenced by a comment containing "lint:allow"
# (with the reason) on its line, on the line above it, or — for a call that
# spans lines — on any line of the call.
#
# Also: the shell scripts scripts/*.sh and .ci/run are checked with
# `shellcheck -S warning` when it is installed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

mapfile -t FILES < <(find cgi-bin lib tools -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)

status=0
if [[ ${#FILES[@]} -gt 0 ]]; then
    perl - "${FILES[@]}" <<'PERL' || status=1
use strict;
use warnings;

my @FORMAT_FUNCS = qw(printf sprintf snprintf asprintf vsnprintf vsprintf vasprintf
                      fprintf dprintf ts_buf_printf ts_buf_vprintf ts_arena_printf hdf_set_valuef
                      FCGX_FPrintF);
my @COPY_FUNCS   = qw(strcat strcpy strncat strncpy stpcpy);
my @NUMBER_FUNCS = qw(atoi atol atoll atof strtol strtoll strtoul strtoull strtoimax
                      strtoumax strtod strtof strtold sscanf);
my $FORMAT_RE = join '|', @FORMAT_FUNCS;
my $COPY_RE   = join '|', @COPY_FUNCS;
my $NUMBER_RE = join '|', @NUMBER_FUNCS;

# SQL as a statement's shape (any case), and the bare upper-case keywords.
my $SQL_SHAPE = qr/\bselect\b.*\bfrom\b|\binsert\s+into\b|\bdelete\s+from\b
                   |\bupdate\s+`?\w+`?\s+set\b|\breplace\s+into\b/isx;
my $SQL_WORD  = qr/\b(?:SELECT|INSERT|UPDATE|DELETE|REPLACE|VALUES)\b|\sWHERE\s/;
my $TAGS = qr/html|head|body|div|span|p|a|b|i|u|s|em|strong|small|big|br|hr|img
              |table|thead|tbody|tfoot|tr|td|th|caption|col|colgroup
              |form|input|select|option|optgroup|textarea|button|label|fieldset|legend
              |ul|ol|li|dl|dt|dd|h[1-6]|script|style|link|meta|title|base|noscript
              |iframe|frame|object|embed|pre|code|blockquote|nav|header|footer|main
              |section|article|aside|details|summary|dialog|template|canvas|video
              |audio|source|area|map|sub|sup|font|center|kbd|abbr|mark|wbr|ins|del/x;
my $HTML_LC = qr/<\/?(?:$TAGS)(?=[\s>\/%]|\\[nrt])|<!(?:--|[dD][oO][cC][tT][yY][pP][eE])/;
my $CONV = qr/%[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|j|z|t|L|q)?[diouxXeEfgGaAcspn]/;
my $EXEMPT_FLOAT = qr/chart|svg|pdf|captcha/i;

my $found = 0;

for my $file (@ARGV) {
    open my $fh, '<', $file or die "$file: $!\n";
    my $src = do { local $/; <$fh> };
    close $fh;
    my @lines = split /\n/, $src, -1;

    # $code: the source with comments blanked and string/char literal
    # contents blanked (same length, newlines kept); @lits: [offset, text].
    my ($code, @lits) = ('');
    while ($src =~ m{\G(?:(/\*.*?\*/|//[^\n]*)|("(?:\\.|[^"\\\n])*")|('(?:\\.|[^'\\\n])*')|([^/"']+|.))}gs) {
        if (defined $1) {
            (my $b = $1) =~ s/[^\n]/ /g;
            $code .= $b;
        } elsif (defined $2) {
            push @lits, [length $code, substr($2, 1, -1)];
            $code .= '"' . (' ' x (length($2) - 2)) . '"';
        } elsif (defined $3) {
            $code .= "'" . (' ' x (length($3) - 2)) . "'";
        } else {
            $code .= $4;
        }
    }
    my @starts = (0);
    push @starts, $-[0] + 1 while $code =~ /\n/g;
    my $line_of = sub {
        my ($off) = @_;
        my ($lo, $hi) = (0, $#starts);
        while ($lo < $hi) {
            my $mid = int(($lo + $hi + 1) / 2);
            if ($starts[$mid] <= $off) { $lo = $mid } else { $hi = $mid - 1 }
        }
        return $lo + 1;
    };
    my $allowed = sub {
        my ($from, $to) = @_;
        for my $n (($from > 1 ? $from - 1 : 1) .. $to) {
            return 1 if defined $lines[$n - 1] && $lines[$n - 1] =~ /lint:allow/;
        }
        return 0;
    };
    my @findings;
    my $report = sub {
        my ($off, $end, $rule, $msg) = @_;
        my ($l1, $l2) = ($line_of->($off), $line_of->($end));
        return if $allowed->($l1, $l2);
        push @findings, [$l1, "$file:$l1: $rule: $msg\n"];
    };
    # literals_in(from, to): the literals between two offsets, joined.
    my $literals_in = sub {
        my ($from, $to) = @_;
        return join ' ', map { $_->[1] } grep { $_->[0] > $from && $_->[0] < $to } @lits;
    };
    # close_paren(open): offset of the ")" matching the "(" at open.
    my $close_paren = sub {
        my ($open) = @_;
        my $depth = 0;
        for my $i ($open .. length($code) - 1) {
            my $c = substr $code, $i, 1;
            $depth++ if $c eq '(';
            $depth-- if $c eq ')';
            return $i if $depth == 0;
        }
        return length $code;
    };

    my $in_cgi = $file =~ m{^cgi-bin/};
    my $in_lib = $file =~ m{^lib/};

    # sql-format, html-format, sql-copy, html-copy
    my @reported_calls;     # their spans: format-string does not repeat them
    while ($code =~ /\b($FORMAT_RE|$COPY_RE)\s*\(/g) {
        my ($name, $start, $open) = ($1, $-[0], $+[0] - 1);
        my $close = $close_paren->($open);
        my $text = $literals_in->($open, $close);
        my $kind = ($name =~ /^(?:$COPY_RE)$/) ? 'copy' : 'format';
        if ($text =~ $SQL_WORD || $text =~ $SQL_SHAPE) {
            $report->($start, $close, "sql-$kind", "$name() of a string holding SQL; use a prepared statement with ? placeholders");
            push @reported_calls, [$open, $close];
        }
        if ($text =~ $HTML_LC) {
            $report->($start, $close, "html-$kind", "$name() of a string holding HTML; put it in a template (templates/)");
            push @reported_calls, [$open, $close];
        }
        pos($code) = $open + 1;
    }

    # format-string: literals joined the way the compiler joins them
    # (groups of [start, end, text]; a PRId64-style macro reads as "d").
    my @groups;
    for my $lit (@lits) {
        my ($off, $text) = @$lit;
        my $end = $off + length($text) + 2;
        if (@groups) {
            my $prev = $groups[-1];
            my $gap = substr $code, $prev->[1], $off - $prev->[1];
            if ($gap =~ /^\s*(?:PRI\w+\s*)?$/) {
                $prev->[2] .= ($gap =~ /PRI/ ? 'd' : '') . $text;
                $prev->[1] = $end;
                next;
            }
        }
        push @groups, [$off, $end, $text];
    }
    for my $g (@groups) {       # a macro after the last literal
        $g->[2] .= 'd' if substr($code, $g->[1], 200) =~ /^\s*PRI\w+/;
    }
    # Literals handed straight to the prepared-statement API (ts_db_*,
    # mysql_*) are SQL text, never formats: their %Y-%m-%d (DATE_FORMAT) is
    # MariaDB's business.
    my @sql_calls;
    while ($code =~ /\b(?:ts_db_\w+|mysql_\w+)\s*\(/g) {
        my $open = $+[0] - 1;
        push @sql_calls, [$open, $close_paren->($open)];
        pos($code) = $open + 1;
    }
    GROUP: for my $g (@groups) {
        for my $c (@sql_calls, @reported_calls) {
            next GROUP if $g->[0] > $c->[0] && $g->[0] < $c->[1];
        }
        (my $t = $g->[2]) =~ s/%%//g;
        next unless $t =~ $CONV;
        $report->($g->[0], $g->[1], 'format-string', 'a format string that builds SQL; use a prepared statement')
            if $t =~ $SQL_SHAPE;
        $report->($g->[0], $g->[1], 'format-string', 'a format string that builds HTML; use a template')
            if $t =~ $HTML_LC;
    }

    # raw-number: handlers use declared params.
    if ($in_cgi) {
        while ($code =~ /\b($NUMBER_RE)\s*\(/g) {
            $report->($-[0], $-[0], 'raw-number', "$1() in a handler; declare the parameter (ts_param_int, ts_param_money, ...)");
        }
    }

    # float: no floating point near money.
    if (($in_cgi || $in_lib) && $file !~ $EXEMPT_FLOAT) {
        while ($code =~ /\b(float|double)\b/g) {
            my $off = $-[0];
            my $ln = $line_of->($off);
            next if $lines[$ln - 1] =~ $EXEMPT_FLOAT;
            $report->($off, $off, 'float', "$1: money is int64_t fen, rates are fixed-point (lint:allow with a reason if this is not money)");
        }
    }

    print map { $_->[1] } sort { $a->[0] <=> $b->[0] } @findings;
    $found += @findings;
}

if ($found) {
    print "lint: $found finding(s); rules at the top of scripts/lint.sh\n";
    exit 1;
}
PERL
fi

# Shell scripts of the build and CI.
if command -v shellcheck >/dev/null 2>&1; then
    mapfile -t SCRIPTS < <(find scripts -maxdepth 1 -name '*.sh' | sort; [[ -f .ci/run ]] && echo .ci/run)
    if [[ ${#SCRIPTS[@]} -gt 0 ]]; then
        shellcheck -S warning "${SCRIPTS[@]}" || status=1
    fi
fi

if ((status == 0)); then
    echo "lint: ok (${#FILES[@]} C files)"
fi
exit "$status"
