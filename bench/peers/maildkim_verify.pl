#!/usr/bin/perl
# bench/peers/maildkim_verify.pl KEYS.TXT < PATHS
#
# Mail::DKIM (Debian 12: libmail-dkim-perl 1.20230212) as a peer of
# authsweep, for bench/peers/run.sh.  Verifies every DKIM-Signature of each
# message file named on standard input (one path per line).  Keys come from
# KEYS.TXT (bench/peers/zonekeys.py) through a resolver object of our own,
# set with Mail::DKIM::DNS::resolver(): its send() answers each name with a
# Net::DNS packet built once from the file and kept, so no network is used.
#
# Output: one line per message, TAB-separated, as every peer harness here
# prints it (bench/README.md, "Peers, side by side"):
#
#     PATH  VERDICT,D,S,DETAIL  ...     one field per signature, top first
#     PATH  !error,,,DETAIL             the message could not be read
#
# Mail::DKIM runs with its defaults (Strict off: rsa-sha1 and RSA keys
# under 1024 bits are accepted; x= is judged against the clock).  This
# version has no Ed25519 (RFC 8463) algorithm: such signatures come back
# "invalid", "unsupported algorithm ed25519-sha256".  Mail::DKIM wants CRLF
# line endings, so bare LFs are turned into CRLF first, as OpenDKIM's
# DKIM_LIBFLAGS_FIXCRLF does.  A DKIM-Signature field it cannot parse at all
# gets no result (it is not in ->signatures).
use strict;
use warnings;

use Mail::DKIM::DNS;
use Mail::DKIM::Verifier;
use Net::DNS;

package PeerResolver;

sub new {
	my ($class, $keys) = @_;
	return bless { keys => $keys, cache => {} }, $class;
}

sub send {
	my ($self, $name, $type) = @_;
	my $key = lc $name;
	$key =~ s/\.$//;
	return $self->{cache}{"$key/$type"} //= do {
		my $p = Net::DNS::Packet->new($name, $type, 'IN');
		$p->header->qr(1);
		my $v = $self->{keys}{$key};
		if (!defined $v) {
			$p->header->rcode('NXDOMAIN');
		} elsif (uc $type eq 'TXT') {
			# A TXT record is a list of strings of at most 255 bytes.
			my @strings = $v eq '' ? ('') : unpack('(a255)*', $v);
			$p->push(answer => Net::DNS::RR->new(
			    owner => $name, type => 'TXT', ttl => 3600,
			    txtdata => \@strings));
		}
		$p;
	};
}

sub errorstring { return 'NOERROR' }

package main;

sub clean {
	my ($s) = @_;
	$s = '' unless defined $s;
	$s =~ s/[\t\r\n]+/ /g;
	return substr($s, 0, 200);
}

sub classify {
	my ($result, $detail) = @_;
	$detail = '' unless defined $detail;
	return ('pass', '') if $result eq 'pass';
	if ($result eq 'fail') {
		return ('fail', 'bh') if $detail =~ /body has been altered/;
		return ('fail', 'sig')
		    if $detail =~ /message has been altered|bad .*signature/;
		return ('fail', $detail);
	}
	return ('temperror', $detail) if $result eq 'temperror';
	return ('nokey', '') if $detail =~ /public key: not available/;
	return ('revoked', '') if $detail =~ /public key: revoked/;
	return ('expired', '') if $detail =~ /signature is expired/;
	return ('unsupported', $detail)
	    if $detail =~ /unsupported algorithm|unsupported key type/;
	return ('invalid', "$result: $detail");
}

die "usage: maildkim_verify.pl KEYS.TXT < PATHS\n" unless @ARGV == 1;
my %keys;
open(my $kf, '<:raw', $ARGV[0]) or die "maildkim_verify: $ARGV[0]: $!\n";
while (my $line = <$kf>) {
	chomp $line;
	my ($name, $value) = split / /, $line, 2;
	$keys{lc $name} = defined $value ? $value : '';
}
close $kf;
Mail::DKIM::DNS::resolver(PeerResolver->new(\%keys));

binmode STDOUT, ':raw';
while (my $path = <STDIN>) {
	chomp $path;
	next if $path eq '';
	my $fh;
	unless (open($fh, '<:raw', $path)) {
		print clean($path), "\t!error,,,read: ", clean("$!"), "\n";
		next;
	}
	my $msg = do { local $/; <$fh> };
	close $fh;
	$msg =~ s/(?<!\r)\n/\r\n/g;
	my $dkim = Mail::DKIM::Verifier->new();
	$dkim->PRINT($msg);
	$dkim->CLOSE;
	my @out = (clean($path));
	foreach my $sig ($dkim->signatures) {
		my ($verdict, $detail) =
		    classify($sig->result || 'none', $sig->result_detail);
		push @out, join(',', $verdict, clean($sig->domain // '-'),
		    clean($sig->selector // '-'), clean($detail));
	}
	print join("\t", @out), "\n";
}
