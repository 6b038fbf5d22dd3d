import RecsysEngine

/// A `:` command that could not run; its text goes to the status line and nothing changes.
struct CommandFailure: Error {
    var text: String
    init(_ text: String) { self.text = text }
}

/// One command of the `:` line: its names, its Help line and what it does.
struct ColonCommand: Sendable {
    /// The first name is the one Help shows.
    var names: [String]
    /// Help's left column (":algo NAME"); nil keeps the command out of Help.
    var usage: String?
    var help: String
    /// Runs the command with its arguments and says what must be redone, or throws a one-line failure.
    var run: @Sendable (_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo
}

/// The `:` command table, in Help order: like the key tables, Help and dispatch come from one list.
enum ColonCommands {
    static let table: [ColonCommand] = [
        ColonCommand(names: ["algo", "a", "algorithm"], usage: ":algo NAME", help: "show NAME's recommendations", run: algo),
        ColonCommand(names: ["set"], usage: ":set ALGO.KEY VALUE", help: "change a parameter and refit that model", run: set),
        ColonCommand(names: ["params", "parameters"], usage: ":params [ALGO]",
                     help: "the parameter panel (also p): values, ranges, what each changes", run: params),
        ColonCommand(names: ["models"], usage: ":models [ALGO]",
                     help: "the models panel (also a): fit state, ETA, limits; cancel, defer, run anyway", run: models),
        ColonCommand(names: ["profile", "p"], usage: ":profile NAME", help: "switch to (or create) a profile", run: profile),
        ColonCommand(names: ["about"], usage: ":about age=25-34 …",
                     help: "optional: who you are (age, gender, occupation, region), for demographic and two-tower", run: about),
        ColonCommand(names: ["lesson", "learn"], usage: ":lesson N", help: "open lesson N in the lesson panel (L opens the last one)",
                     run: lesson),
        ColonCommand(names: ["export", "w"], usage: ":export FILE", help: "write your ratings as CSV", run: export),
        ColonCommand(names: ["sort"], usage: ":sort KEY", help: "popularity, mean, title, year, your-rating, predicted", run: sort),
        ColonCommand(names: ["genre", "g"], usage: ":genre NAME", help: "filter by genre (:genre all clears)", run: genre),
        ColonCommand(names: ["colour", "color"], usage: ":colour on|off", help: "colours or monochrome", run: colour),
        ColonCommand(names: ["class"], usage: ":class on|off",
                     help: "class mode: the other profiles of the database join as users named by profile", run: classCommand),
        ColonCommand(names: ["q", "quit", "q!", "wq"], usage: ":q", help: "quit", run: { _, _, _ in .quit }),
        ColonCommand(names: ["help", "h"], usage: nil, help: "this help", run: { _, state, _ in
            state.overlay = .help
            state.scroll = 0
            return []
        }),
    ]

    /// The command named `name`, if any.
    static func command(named name: String) -> ColonCommand? { table.first { $0.names.contains(name) } }

    static func algo(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
        guard let name = args.first else {
            throw CommandFailure("usage: :algo NAME (one of \(state.algorithms.joined(separator: ", ")))")
        }
        guard let k = state.algorithms.firstIndex(of: name) else {
            throw CommandFailure("unknown algorithm '\(name)' (valid: \(state.algorithms.joined(separator: ", ")))")
        }
        state.activeTab = k
        state.recList = ListState()
        state.status = StatusMessage("showing \(name)")
        return state.screen == .explain ? [.explain, .predict] : (state.sort == .predicted ? [.refilter, .predict] : .predict)
    }

    static func set(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
        var words = args
        if words.count == 1, let eq = words[0].firstIndex(of: "=") {
            words = [String(words[0][..<eq]), String(words[0][words[0].index(after: eq)...])]
        }
        guard words.count == 2, let dot = words[0].firstIndex(of: ".") else {
            throw CommandFailure("usage: :set ALGO.KEY VALUE (e.g. :set item-knn.topn_k 5)")
        }
        let algo = String(words[0][..<dot]), key = String(words[0][words[0].index(after: dot)...])
        guard state.algorithms.contains(algo) else {
            throw CommandFailure("unknown algorithm '\(algo)' (valid: \(state.algorithms.joined(separator: ", ")))")
        }
        var params = state.parameters[algo] ?? Parameters()
        params[key] = words[1]
        do {
            _ = try Algorithms.make(algo, parameters: params)
        } catch {
            // One status line: the list of known keys belongs to the panel, not the error.
            var text = "\(error)"
            if let r = text.range(of: " (known: ") { text = String(text[..<r.lowerBound]) + " · p or :params lists them" }
            throw CommandFailure(text)
        }
        state.parameters[algo] = params
        state.performed.record(PerformedAction(name: "set", screen: state.screen, algorithm: algo))
        refit(&state, algo, parameters: params, effects: &effects)
        state.status = StatusMessage("\(algo).\(key) = \(words[1]): refitting \(algo)…")
        return []
    }

    static func models(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
        if let name = args.first {
            guard let k = state.algorithms.firstIndex(of: name) else {
                throw CommandFailure("unknown algorithm '\(name)' (valid: \(state.algorithms.joined(separator: ", ")))")
            }
            state.modelsList.selected = k
        }
        openModelsPanel(&state)
        return []
    }

    static func params(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
        if let name = args.first {
            guard let k = state.algorithms.firstIndex(of: name) else {
                throw CommandFailure("unknown algorithm '\(name)' (valid: \(state.algorithms.joined(separator: ", ")))")
            }
            state.activeTab = k
            state.recList = ListState()
        }
        state.overlay = nil
        openParameterPanel(&state)
        return .predict
    }

    static func profile(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
        guard let name = args.first, args.count == 1 else { throw CommandFailure("usage: :profile NAME") }
        effects.append(.loadProfile(name: name))
        state.status = StatusMessage("loading profile \(name)…")
        return []
    }

    /// Optional quick-start step: who you are, stored with the profile (saved before the status says so).
    static func about(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
        guard !state.datasetDemographics.isEmpty else {
            throw CommandFailure("\(state.dataset.name) has no demographics: rate a few films instead")
        }
        if args.isEmpty {
            let said = Demographics.values(of: state.profile.attributes)
            state.status = StatusMessage(said.isEmpty ? "usage: :about age=25-34 gender=F occupation=… region=… (or skip it)"
                : "you are " + said.map { "\($0.attribute) \($0.value)" }.joined(separator: ", "))
            return []
        }
        var pairs = Dictionary(uniqueKeysWithValues: Demographics.values(of: state.profile.attributes)
            .map { ($0.attribute, $0.value) })
        for a in args {
            guard let eq = a.firstIndex(of: "=") else {
                throw CommandFailure("usage: :about age=25-34 gender=F occupation=… region=…")
            }
            pairs[String(a[..<eq]).lowercased()] = String(a[a.index(after: eq)...])
        }
        let attributes: UserAttributes
        do {
            attributes = try Demographics.attributes(from: pairs.map { ($0.key, $0.value) })
        } catch {
            throw CommandFailure("\(error)")
        }
        state.aboutStatus = .loading
        effects.append(.saveDemographics(profile: state.profileName, attributes))
        state.status = StatusMessage("saving who you are…")
        return []
    }

    static func lesson(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
        let numbers = state.lessons.library.map { String($0.number) }.joined(separator: ", ")
        guard let a = args.first, let n = Int(a), args.count == 1 else { throw CommandFailure("usage: :lesson N (\(numbers))") }
        guard state.openLesson(number: n) else { throw CommandFailure("no lesson \(n) (lessons: \(numbers))") }
        state.changeProgress(&effects) { _ in }
        state.status = StatusMessage("lesson \(n): \(state.lessons.lesson!.title)")
        return []
    }

    static func export(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
        guard !args.isEmpty else { throw CommandFailure("usage: :export FILE") }
        let (text, count) = state.exportCSV()
        effects.append(.export(path: UserPath.expand(args.joined(separator: " ")), contents: text, count: count))
        return []
    }

    static func sort(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
        guard let a = args.first, let key = SortKey(argument: args.joined(separator: " ")) ?? SortKey(argument: a) else {
            throw CommandFailure("usage: :sort popularity|mean|title|year|your-rating|predicted")
        }
        state.sort = key
        state.status = StatusMessage("sort: \(key.rawValue)")
        return [.refilter, .predict]
    }

    static func genre(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
        let name = args.joined(separator: " ")
        if name.isEmpty || name.lowercased() == "all" {
            state.genreFilter = nil
        } else if let g = state.stats.genreNames.first(where: { $0.lowercased() == name.lowercased() }) {
            state.genreFilter = g
        } else {
            throw CommandFailure("unknown genre '\(name)' (valid: \(state.stats.genreNames.joined(separator: ", ")))")
        }
        state.status = StatusMessage(state.genreFilter.map { "genre: \($0)" } ?? "all genres")
        return [.refilter, .predict]
    }

    static func colour(_ args: [String], _ state: inout AppState, _ effects: inout [Effect]) throws(CommandFailure) -> Redo {
        switch args.first?.lowercased() {
        case "on"?: state.colour = true
        case "off"?: state.colour = false
        default: throw CommandFailure("usage: :colour on|off")
        }
        state.status = StatusMessage(state.colour ? "colour on" : "colour off (monochrome)")
        return []
    }
}

/// Runs a `:` command line. Errors go to the status line and change nothing.
func runCommand(_ line: String, _ state: inout AppState, effects: inout [Effect]) -> Redo {
    let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    guard let name = parts.first else { return [] }
    guard let command = ColonCommands.command(named: name) else {
        state.status = StatusMessage("unknown command '\(name)' (try :algo, :set, :profile, :about, :export, :sort, :genre, :q)",
                                     isError: true)
        return []
    }
    // Effects of a failed command are dropped with it (none are added before the checks today).
    var added: [Effect] = []
    do {
        let screen = state.screen, algorithm = state.activeAlgorithm
        let redo = try command.run(Array(parts.dropFirst()), &state, &added)
        state.performed.record(PerformedAction(name: ":" + command.names[0], screen: screen, algorithm: algorithm))
        effects += added
        return redo
    } catch {
        state.status = StatusMessage(error.text, isError: true)
        return []
    }
}

extension ColonCommands {
    /// Help's command list.
    static var helpEntries: [(String, String)] { table.compactMap { c in c.usage.map { ($0, c.help) } } }
}
