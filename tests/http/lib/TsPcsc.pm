package TsPcsc;
# TsPcsc — a PC/SC reader of the test's own, for the tests that pull cards,
# lock PINs and kill pcscd (tests/http/card.t, signd.t) without touching the
# stack's reader that other test files use (docs/card.md "The stack").
#
#   use TsPcsc;
#   my $r = TsPcsc->new($tmp, 'card test');   # a folder of the test's, a
#                                             # FRIENDLYNAME for vpcd (none:
#                                             # a pcscd without any reader)
#   $r->{port}      vpcd's first slot (the second is port + 1)
#   $r->{sock}      the private pcscd's socket (PCSCLITE_CSOCK_NAME)
#   $r->{reader}    the first slot's reader name, "card test 00 00"
#   $r->{log}       where every child's output goes
#   $r->start_pcscd            pcscd in its own mount namespace (its folder
#                              bound on /run/pcscd), once its socket is there
#   $r->spawn(@cmd)            a child (stdin /dev/null, output to the log)
#   $r->stop($pid [, $sig])    TERM (or $sig), wait up to 5 s, then KILL;
#                              true when it went by itself
#   write_file($path, $bytes) / slurp($path)   raw bytes; slurp undef when
#                              the file is missing
#
# Every child still running is stopped at the end of the test (END), also
# when prove kills the test (TERM / INT / HUP exit through END).
# A private pcscd needs root (unshare --mount): the tests skip otherwise.
use strict;
use warnings;

use Exporter ();
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep);

our @ISA    = ('Exporter');
our @EXPORT = qw(write_file slurp);

my @KIDS;

sub write_file {
    my ($path, $bytes) = @_;
    open my $fh, '>:raw', $path or die "$path: $!";
    print $fh $bytes;
    close $fh;
}

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or return undef;
    local $/;
    return scalar <$fh>;
}

# Two free consecutive ports for vpcd's slots, picked at random so that
# card.t and signd.t running at the same time (prove -j) do not meet.
sub _free_port_pair {
    for (1 .. 200) {
        my $p = 20000 + int rand 12000;
        my @s = map {
            IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $_, Listen => 1, ReuseAddr => 0)
        } $p, $p + 1;
        return $p if $s[0] && $s[1];
    }
    die 'no two free ports';
}

sub new {
    my ($class, $dir, $name) = @_;
    my $self = bless {dir => $dir, sock => "$dir/pcscd/pcscd.comm", log => "$dir/log"}, $class;
    mkdir $dir;
    mkdir "$dir/pcscd";
    mkdir "$dir/conf";
    return $self unless defined $name;
    my $port = $self->{port} = _free_port_pair();
    $self->{reader} = "$name 00 00";
    write_file("$dir/conf/vpcd", qq{FRIENDLYNAME "$name"\nDEVICENAME /dev/null:$port\n}
          . "LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID $port\n");
    return $self;
}

sub spawn {
    my ($self, @cmd) = @_;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDIN,  '<',  '/dev/null';
        open STDOUT, '>>', $self->{log};
        open STDERR, '>>', $self->{log};
        exec @cmd or POSIX::_exit(127);
    }
    push @KIDS, $pid;
    return $pid;
}

sub stop {
    my ($self, $pid, $sig) = @_;
    kill $sig // 'TERM', $pid;
    for (1 .. 50) {
        return 1 if waitpid($pid, WNOHANG) == $pid;
        sleep 0.1;
    }
    kill 'KILL', $pid;
    waitpid $pid, 0;
    return 0;
}

# pcscd sees the readers of $dir/conf; its socket lands in $dir/pcscd,
# bound on /run/pcscd inside its own mount namespace only.
sub start_pcscd {
    my ($self) = @_;
    unlink $self->{sock};
    my $pid = $self->spawn('unshare', '--mount', '--propagation', 'private', 'sh', '-c',
        'mkdir -p /run/pcscd && mount --bind "$1" /run/pcscd && exec pcscd --foreground -c "$2"',
        'sh', "$self->{dir}/pcscd", "$self->{dir}/conf");
    for (1 .. 100) {
        last if -S $self->{sock};
        sleep 0.1;
    }
    return $pid;
}

END {
    my $rc = $?;
    for my $pid (grep { kill 0, $_ } @KIDS) {
        kill 'TERM', $pid;
        waitpid $pid, 0;
    }
    $? = $rc;
}
$SIG{$_} = sub { exit 1 } for qw(TERM INT HUP);

1;
