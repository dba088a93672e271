import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Train

@Suite struct TrainingCurvesTests {
    /// The SVG is well-formed XML with both panels' labels, one point per evaluation, escaped text.
    @Test func svgIsWellFormedAndHasTheCurves() throws {
        var curves = TrainingCurves()
        curves.train = [(100, 900), (200, 300), (300, 120)]
        curves.dev = [(150, 400, 1.5), (300, 150, 7.25)]
        let svg = curves.svg(title: "en-fr <tiny> & co")
        let document = try XMLDocument(xmlString: svg)
        #expect(document.rootElement()?.name == "svg")
        #expect(svg.contains("en-fr &lt;tiny&gt; &amp; co"))
        #expect(svg.contains(">dev BLEU<") && svg.contains(">perplexity (log scale)<") && svg.contains(">step<"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 4)       // 2 dev perplexity + 2 BLEU points
        #expect(svg.contains("step 300: BLEU 7.3"))
    }

    /// A perplexity near Double's largest (a diverged run's log, or a resumed checkpoint's curve)
    /// is left off the plot: with it the axis ran to infinity and its ticks never ended.
    @Test func hugePerplexityIsLeftOff() throws {
        var curves = TrainingCurves()
        curves.train = [(1, 1e308), (2, 50)]
        curves.dev = [(2, 1e305, 1)]
        let svg = curves.svg(title: "diverged")
        #expect(try XMLDocument(xmlString: svg).rootElement()?.name == "svg")
        #expect(svg.components(separatedBy: "<circle").count - 1 == 1)       // the BLEU point alone
    }

    @Test func ticksAreRound() {
        #expect(TrainingCurves.linearTicks(23) == [0, 5, 10, 15, 20])
        #expect(TrainingCurves.logTicks(3, 600) == [5, 10, 20, 50, 100, 200, 500])
    }
}
