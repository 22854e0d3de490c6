package TsDecl;
# Helpers of the 出口报关单 tests (customs.t, decl.t): a declaration as the
# XML file format writes it (docs/formats.md "报关单 XML"), and the rows of
# a list table by its class.
use strict;
use warnings;
use utf8;
use Exporter 'import';
use Encode ();

our @EXPORT = qw(decl_xml decl_file list_rows
  $PROD_SCC $PROD_CODE $PROD_NAME $TRADE_SCC $TRADE_CODE $TRADE_NAME);

our ($PROD_SCC, $PROD_CODE, $PROD_NAME) = ('91510100MA6CAB126W', '5101940001', '四川天府机械制造有限公司');
our ($TRADE_SCC, $TRADE_CODE, $TRADE_NAME) = ('91510107MA6DXY3448', '5101960002', '成都蓉欧国际贸易有限公司');

# One <DecMessage>: %o overrides header fields (undef drops one); lines =>
# number of body lines, line => overrides of every line's fields.
sub decl_xml {
    my (%o) = @_;
    my $no = $o{EntryId} // die 'EntryId';
    my %h = (
        DeclType => 1, EntryId => $no, CustomMaster => substr($no, 0, 4), IEPort => substr($no, 0, 4),
        IEDate => '20260302', DDate => '20260301', ClearDate => '20260303',
        TradeCoScc => $PROD_SCC, TradeCode => $PROD_CODE, TradeName => $PROD_NAME,
        TrafMode => 2, TradeMode => '0110', TransMode => 3, TradeCountry => 'DEU', PackNo => 3,
        GrossWet => '100.5', NetWt => 90,
    );
    my @order = qw(DeclType EntryId CustomMaster IEPort IEDate DDate ClearDate TradeCoScc TradeCode
      TradeName TrafMode TradeMode TransMode TradeCountry PackNo GrossWet NetWt);
    for my $k (keys %o) {
        next if $k eq 'lines' || $k eq 'line';
        push @order, $k unless exists $h{$k};
        $h{$k} = $o{$k};
    }
    my $x = "<DecMessage><DecHead>";
    for my $k (@order) {
        $x .= "<$k>$h{$k}</$k>" if defined $h{$k};
    }
    $x .= "</DecHead><DecLists>";
    for my $g (1 .. ($o{lines} // 1)) {
        my %l = (
            GNo => $g, CodeTS => '8459290000', GName => '数控钻床', GQty => 2, GUnit => '001',
            FirstQty => 2, FirstUnit => '001', DeclPrice => '100', DeclTotal => '200.00',
            TradeCurr => 'USD', UsdFob => '200.00', RmbFob => '1420.00', OriginCountry => 'CHN',
            DestinationCountry => 'DEU', %{ $o{line} || {} },
        );
        $x .= '<DecList>' . join('', map {"<$_>$l{$_}</$_>"} grep { defined $l{$_} } sort keys %l) . '</DecList>';
    }
    return $x . '</DecLists></DecMessage>';
}

# A whole file (bytes) of the given messages.
sub decl_file {
    return Encode::encode_utf8(qq{<?xml version="1.0" encoding="UTF-8"?>\n<DecMessages>\n} . join("\n", @_) . "\n</DecMessages>\n");
}

# The cells (tags stripped, spaces squeezed) of each row of the table whose
# class list holds $class.
sub list_rows {
    my ($html, $class) = @_;
    my ($body) = $html =~ /<table class="[^"]*\b\Q$class\E\b[^"]*">.*?<tbody>(.*?)<\/tbody>/s or return ();
    my @rows;
    for my $tr ($body =~ /<tr\b[^>]*>(.*?)<\/tr>/gs) {
        my @cells = map {
            (my $t = $_) =~ s/<[^>]*>//g;
            $t =~ s/&amp;/&/g;
            $t =~ s/\s+/ /g;
            $t =~ s/^ | $//g;
            $t;
        } $tr =~ /<td\b[^>]*>(.*?)<\/td>/gs;
        push @rows, \@cells;
    }
    return @rows;
}

1;
