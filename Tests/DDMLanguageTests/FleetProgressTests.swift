import Testing
@testable import DDMLanguage

/// The fleet's live line: what each running target waits on, gone when it ends.
@Suite struct FleetProgressTests {
    @Test func theLineShowsEachRunningTargetsJob() async {
        let sink = Collector()
        let live = FleetProgress(sink: sink)
        await live.summary("fleet: 0/2 done, 2 running, 0 failed")
        await live.target("ddm-a", "waiting for ddm-a: RESIZING [#########...........] 45%")
        await live.target("ddm-b", "waiting for ddm-b: RESTARTING")
        #expect(sink.progressLines.last == "fleet: 0/2 done, 2 running, 0 failed — ddm-a 45%, ddm-b RESTARTING")
        await live.done("ddm-a")
        await live.summary("fleet: 1/2 done, 1 running, 0 failed")
        #expect(sink.progressLines.last == "fleet: 1/2 done, 1 running, 0 failed — ddm-b RESTARTING")
    }
}
