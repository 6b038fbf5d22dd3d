import RecsysEngine

/// The Users screen: the list of dataset users and the selected user's details.
public struct UsersState: Sendable {
    public var list = ListState()
    public var details: UserDetails?
    /// `t`: show synthetic users' true tastes (hidden by default so exercises can ask learners to guess).
    public var showTastes = false
    /// `o`: the demographic attribute the list is grouped by (nil: dataset order).
    public var groupAttribute: String?
    /// `=`: only users whose `groupAttribute` has this value.
    public var filterValue: String?
    /// Row → dataset user when grouped or filtered (nil: row r is user r).
    public var order: [Int32]?
    /// `GroupStatistics` by `groupAttribute`, for the detail pane. Computed by a `GroupStatsJob` on an engine
    /// queue (it reads every rating): nil from the moment the attribute changes until the job's answer arrives.
    public var groupStats: GroupStatistics?
    public init() {}

    /// Grouped, and the group figures for the current attribute have not arrived yet ("computing…").
    public var isComputingGroupStats: Bool {
        guard let groupAttribute else { return false }
        return groupStats?.attribute != groupAttribute
    }
}

/// `GroupStatistics` of the dataset's users by one attribute, for the Users screen's detail pane.
///
/// It reads every rating (O(ratings + groups·items)), which blocks for a noticeable time on a large dataset,
/// so `o` asks for it as an effect and the answer comes back as `.groupStatsReady`.
public struct GroupStatsJob: Sendable {
    public var dataset: Dataset
    public var attribute: String

    public init(dataset: Dataset, attribute: String) {
        self.dataset = dataset
        self.attribute = attribute
    }

    /// Returns `.groupStatsReady` (nil figures when the attribute is unknown).
    public func run() -> Message {
        .groupStatsReady(attribute: attribute, GroupStatistics(dataset, by: attribute))
    }
}

// The Users screen grouped or filtered by a demographic attribute (issue 13, "a view of the cells").
//
// `o` cycles the grouping through the attributes the dataset has (age, gender, occupation, region, then
// none): the list is ordered by the attribute's value (users without one last), each row shows the value,
// and the detail pane adds the selected user's group: its size, mean rating, the genres it rates more than
// everyone and the films most over-represented in it (`GroupStatistics`, the same figures as
// `info --by`). `=` keeps only the selected user's group (press again for everyone).

extension UsersState {
    /// The number of rows the list shows.
    public func rowCount(in dataset: Dataset) -> Int { order?.count ?? dataset.userCount }

    /// The dataset user shown on `row`, nil past the end.
    public func user(atRow row: Int, in dataset: Dataset) -> Int32? {
        if let order { return row >= 0 && row < order.count ? order[row] : nil }
        guard row >= 0 && row < dataset.userCount else { return nil }
        // Class mode: the classmates (appended after the dataset's users) come first.
        let roster = dataset.roster
        if roster.isEmpty { return Int32(row) }
        return row < roster.count ? roster.first + Int32(row) : Int32(row - roster.count)
    }

    /// The value label of the grouping attribute for user `u`, nil when ungrouped or unknown.
    public func groupValue(of u: Int32, in dataset: Dataset) -> String? {
        guard let a = groupAttribute.flatMap({ Demographics.attributes.firstIndex(of: $0) }),
              Int(u) < dataset.userAttributes.count,
              let code = Demographics.codes(of: dataset.userAttributes[Int(u)])[a] else { return nil }
        return Demographics.label(attribute: a, code: code)
    }

    /// The statistics of the group named `value`, when grouped.
    public func group(named value: String) -> GroupStatistics.Group? {
        groupStats?.groups.first { $0.value == value }
    }

    /// Recomputes the row order after the grouping or the filter changed, keeping the selected user
    /// selected where they are still listed. When the attribute changed, the old group figures are dropped;
    /// the caller asks for the new ones (`Redo.groupStats`).
    mutating func regroup(_ dataset: Dataset, attributeChanged: Bool) {
        let selectedUser = list.selected.flatMap { user(atRow: $0, in: dataset) }
        if attributeChanged { groupStats = nil }
        if let attribute = groupAttribute, let a = Demographics.attributes.firstIndex(of: attribute) {
            var keyed: [(code: Int, user: Int32)] = []
            keyed.reserveCapacity(dataset.userCount)
            let known = dataset.userAttributes.count
            for u in 0..<dataset.userCount {
                let code = u < known ? Demographics.codes(of: dataset.userAttributes[u])[a] : nil
                if let filterValue, code.map({ Demographics.label(attribute: a, code: $0) }) != filterValue { continue }
                keyed.append((code ?? Int.max, Int32(u)))
            }
            keyed.sort { ($0.code, $0.user) < ($1.code, $1.user) }
            order = keyed.map(\.user)
        } else {
            order = nil
        }
        let count = rowCount(in: dataset)
        if let u = selectedUser {
            list.selected = order.map { $0.firstIndex(of: u) ?? 0 } ?? Int(u)
        }
        list.clamp(count: count)
        if count == 0 { list.selected = nil }
    }
}

extension AppState {
    /// The attributes the Users screen can group by: those the dataset's users have.
    var groupableAttributes: [String] { datasetDemographics }

    /// `o` on the Users screen: the next attribute to group by (after the last: none).
    mutating func cycleUserGrouping() {
        let attributes = groupableAttributes
        guard !attributes.isEmpty else {
            status = StatusMessage("this dataset has no demographics to group users by")
            return
        }
        let next: String?
        if let current = users.groupAttribute, let k = attributes.firstIndex(of: current) {
            next = k + 1 < attributes.count ? attributes[k + 1] : nil
        } else {
            next = attributes[0]
        }
        users.groupAttribute = next
        users.filterValue = nil
        users.regroup(dataset, attributeChanged: true)
        status = StatusMessage(next.map { "users grouped by \($0) (o: next attribute, = only the selected user's group)" }
                               ?? "users in dataset order (o groups them by an attribute)")
    }

    /// `=` on the Users screen: only the selected user's group, or everyone again.
    mutating func toggleUserGroupFilter() {
        if users.filterValue != nil {
            users.filterValue = nil
            users.regroup(dataset, attributeChanged: false)
            status = StatusMessage("all users shown")
            return
        }
        guard let attribute = users.groupAttribute else {
            status = StatusMessage("group the users first (o), then = keeps the selected user's group")
            return
        }
        guard let u = selectedUser, let value = users.groupValue(of: u, in: dataset) else {
            status = StatusMessage("the selected user has no \(attribute)")
            return
        }
        users.filterValue = value
        users.regroup(dataset, attributeChanged: false)
        status = StatusMessage("only users with \(attribute) \(value): \(users.rowCount(in: dataset)) of \(dataset.userCount) (= shows all)")
    }
}
