import ReinServer
import Testing

/// Capped exponential back-off with jitter: each wait between half and all of its base.
@Suite("retry schedule")
struct RetryScheduleTests {
    @Test(arguments: [(1, 500, 1000), (2, 1000, 2000), (3, 2000, 4000), (7, 30_000, 60_000), (8, 30_000, 60_000), (1_000_000, 30_000, 60_000)])
    func waitsGrowThenStayAtTheCap(_ attempts: Int, _ low: Int64, _ high: Int64) {
        let schedule = RetrySchedule(initial: 1000, cap: 60_000)
        #expect(schedule.delay(afterAttempts: attempts, random: 0) == low)
        #expect(schedule.delay(afterAttempts: attempts, random: 0.999_999) == high - 1 || schedule.delay(afterAttempts: attempts, random: 0.999_999) == high)
        let middle = schedule.delay(afterAttempts: attempts, random: 0.5)
        #expect(middle > low && middle < high)
    }

    @Test func outOfRangeInputsStayInTheirBounds() {
        let schedule = RetrySchedule(initial: 0, cap: -5)
        #expect(schedule.initial == 1 && schedule.cap == 1)
        #expect(RetrySchedule().delay(afterAttempts: 0, random: 7) == 500)
        #expect(RetrySchedule().delay(afterAttempts: -3, random: -1) == 250)
    }
}
