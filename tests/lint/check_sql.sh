#!/bin/bash
# lint-sql: SQL is written in src/store/ and nowhere else (DESIGN.md,
# layers). Reads every C file under src/ and include/ outside src/store/
# and fails, naming file:line, for
#   - a string literal (adjacent literals joined, as the compiler joins
#     them) that reads as SQL: a statement keyword at its start (SELECT,
#     INSERT, UPDATE, DELETE, CREATE, WITH, PRAGMA, ...), or SQL clauses
#     inside it (" WHERE ", "ORDER BY", "INSERT INTO", "IS NULL", a
#     column compared as x.col = ...). SQL keywords are upper case in this
#     code base; help and messages in words ("select a township") are not;
#   - an include of the store's private header or of sqlite3.h, or a call
#     of the SQLite API.
# Comments are not read.
#   check_sql.sh [ROOT]   (default: the tree holding this script)
# Files named in ROOT/tests/sql_allow.txt (one path a line, # comments)
# are left out: statements waiting to move into the store, nothing else.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"
allow=tests/sql_allow.txt
mapfile -t files < <(find src include -name '*.[ch]' -not -path 'src/store/*' | LC_ALL=C sort)
skip=()
if [ -f "$allow" ]; then
	mapfile -t skip < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$allow")
fi
exec perl -e '
use strict;
use warnings;
my %skip = map { $_ => 1 } grep { length } split /\n/, shift @ARGV;
my $stmt = qr/^[\s(]*(?:SELECT|INSERT|UPDATE|DELETE|CREATE|WITH|PRAGMA|REPLACE|BEGIN|COMMIT
	|END|ROLLBACK|SAVEPOINT|RELEASE|DROP|ALTER|VACUUM|ATTACH|DETACH|ANALYZE|REINDEX|EXPLAIN)\b/x;
my $clause = qr/\b(?:SELECT|INSERT\s+(?:OR\s+\w+\s+)?INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET
	|CREATE\s+(?:TABLE|INDEX|UNIQUE|TRIGGER|VIEW|TEMP)|PRAGMA|VACUUM\s+INTO|ON\s+CONFLICT
	|WHERE|ORDER\s+BY|GROUP\s+BY|(?:LEFT\s+|INNER\s+|CROSS\s+)?JOIN\s+\w+|FROM\s+[a-z_]+
	|IS\s+(?:NOT\s+)?NULL|NOT\s+NULL|LIMIT\s+[?\d]|OFFSET\s+[?\d]|VALUES\s*\(|CASE\s+WHEN
	|COUNT\s*\(|DISTINCT|UNION\s+(?:ALL|SELECT)|IN\s*\(\s*(?:SELECT|\x27|\?))\b/x;
my $compare = qr/\b[a-z]{1,2}\.[a-z_]+\s*(?:=|<>|!=|<=|>=|<|>|\|\||\bIN\b|\bIS\b|\bLIKE\b)/;
my ($bad, $read) = (0, 0);
sub report {
	my ($file, $line, $what) = @_;
	$what =~ s/\s+/ /g;
	$what = substr($what, 0, 70) . "..." if length $what > 73;
	print "$file:$line: $what\n";
	$bad++;
}
for my $file (@ARGV) {
	next if $skip{$file};
	$read++;
	open my $fh, "<", $file or die "$file: $!\n";
	local $/;
	my $src = <$fh>;
	close $fh;
	my ($i, $line, $n) = (0, 1, length $src);
	my ($group, $gline, $in_group) = ("", 0, 0);
	my $flush = sub {
		if ($in_group && ($group =~ $stmt || $group =~ $clause || $group =~ $compare)) {
			report($file, $gline, "SQL outside src/store/: \"$group\"");
		}
		($group, $in_group) = ("", 0);
	};
	my $bol = 1; # only blanks since the start of the line
	while ($i < $n) {
		my $c = substr($src, $i, 1);
		if ($c eq "\n") { $line++; $i++; $bol = 1; next; }
		if ($c =~ /\s/) { $i++; next; }
		if ($c eq "\\" && substr($src, $i + 1, 1) eq "\n") { $i += 2; $line++; next; }
		if (substr($src, $i, 2) eq "//") {
			my $j = index($src, "\n", $i);
			$i = $j < 0 ? $n : $j;
			next;
		}
		if (substr($src, $i, 2) eq "/*") {
			my $j = index($src, "*/", $i + 2);
			$j = $n - 2 if $j < 0;
			$line += () = substr($src, $i, $j + 2 - $i) =~ /\n/g;
			$i = $j + 2;
			next;
		}
		if ($bol && $c eq "#") {
			# a directive: its includes are checked, its string is not SQL
			my $j = index($src, "\n", $i);
			$j = $n if $j < 0;
			my $d = substr($src, $i, $j - $i);
			my ($inc) = $d =~ /^#\s*include\s*[<"]([^>"]*)[>"]/;
			if (defined $inc && $inc =~ m{(?:^|/)(?:store_impl\.h|sqlite3\.h)$}) {
				report($file, $line, "includes $inc (private to src/store/)");
			}
			if ($d !~ /^#\s*include/) {
				# a macro body is code: read on (strings in it are checked)
				$i += 1;
				$bol = 0;
				next;
			}
			$i = $j;
			next;
		}
		$bol = 0;
		if ($c eq "\x27") {
			# a character constant
			my $j = $i + 1;
			$j += substr($src, $j, 1) eq "\\" ? 2 : 1 while $j < $n && substr($src, $j, 1) ne "\x27";
			$i = $j + 1;
			$flush->();
			next;
		}
		if ($c eq "\"") {
			my $j = $i + 1;
			my $s = "";
			while ($j < $n && substr($src, $j, 1) ne "\"") {
				if (substr($src, $j, 1) eq "\\") {
					my $e = substr($src, $j + 1, 1);
					$s .= $e eq "n" ? "\n" : $e eq "t" ? "\t" : $e eq "\n" ? "" : $e;
					$line++ if $e eq "\n";
					$j += 2;
				} else {
					$s .= substr($src, $j, 1);
					$j++;
				}
			}
			if (!$in_group) { ($gline, $in_group) = ($line, 1); }
			$group .= $s;
			$i = $j + 1;
			next;
		}
		# any other token ends a run of adjacent literals
		$flush->();
		if (substr($src, $i) =~ /^(\w+)/) {
			my $w = $1;
			if ($w =~ /^sqlite3_\w+$/ && substr($src, $i + length $w) =~ /^\s*\(/) {
				report($file, $line, "calls $w (the SQLite API is private to src/store/)");
			}
			$i += length $w;
		} else {
			$i++;
		}
	}
	$flush->();
}
if ($bad) {
	print "lint-sql: $bad place(s) outside src/store/ write SQL or reach past the store;\n",
	      "lint-sql: give the statement a named function in src/store/ and call that\n";
	exit 1;
}
my $left = @ARGV - $read;
print "lint-sql: no SQL outside src/store/ ($read files read",
      $left ? ", $left left out by tests/sql_allow.txt" : "", ")\n";
' "$(printf '%s\n' "${skip[@]+"${skip[@]}"}")" "${files[@]}"
