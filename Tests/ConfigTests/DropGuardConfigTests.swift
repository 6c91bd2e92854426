import PromshardConfig
import Testing

@Suite("Config: targets.max_drop and targets.drop_hold")
struct DropGuardConfigTests {
    private func targets(_ line: String) -> String {
        minimalService + "\n    targets:\n      files: [t/*.json]\n      \(line)\n"
    }

    @Test func defaultsAreHalfAndTwoMinutes() throws {
        let config = try ConfigLoader.parse(yaml: minimalService, sourcePath: configPath)
        #expect(config.services[0].targets.maxDrop == 0.5)
        #expect(config.services[0].targets.dropHold == .seconds(120))
    }

    @Test func percentagesAndFractionsAreAccepted() throws {
        let cases: [(String, Double)] = [
            ("max_drop: 30%", 0.3), ("max_drop: 12.5%", 0.125), ("max_drop: 0.25", 0.25),
            ("max_drop: 100%", 1), ("max_drop: 0%", 0), ("max_drop: 1", 1), ("max_drop: 0", 0),
        ]
        for (line, expected) in cases {
            let config = try ConfigLoader.parse(yaml: targets(line), sourcePath: configPath)
            #expect(config.services[0].targets.maxDrop == expected, "\(line)")
        }
        let hold = try ConfigLoader.parse(yaml: targets("drop_hold: 30s"), sourcePath: configPath)
        #expect(hold.services[0].targets.dropHold == .seconds(30))
    }

    @Test func badValuesNameTheKeyAndLine() {
        let path = "services[0].targets.max_drop"
        expectError(targets("max_drop: 150%"), path: path, line: 9, "must be between 0% and 100%, got 150%")
        expectError(targets("max_drop: -5%"), path: path, line: 9, "must be between 0% and 100%")
        expectError(targets("max_drop: 50"), path: path, line: 9, "must be between 0 and 1 as a fraction")
        expectError(targets("max_drop: 1.5"), path: path, line: 9, "must be between 0 and 1")
        expectError(targets("max_drop: half"), path: path, line: 9, "expected a percentage such as 50%")
        expectError(targets("max_drop: abc%"), path: path, line: 9, "invalid percentage \"abc%\"")
        expectError(targets("max_drop: true"), path: path, line: 9, "expected a percentage")
        expectError(targets("max_drop: [1]"), path: path, line: 9, "expected a percentage")
        let hold = "services[0].targets.drop_hold"
        expectError(targets("drop_hold: 0s"), path: hold, line: 9, "must be greater than 0s")
        expectError(targets("drop_hold: 2"), path: hold, line: 9, "missing unit")
        expectError(
            targets("max_dorp: 10%"), path: "services[0].targets.max_dorp", line: 9,
            "did you mean \"max_drop\"?")
    }
}
