/// What each role may do (SPEC §12). The README's role table is this table in words; the
/// core checks it, so a new front end cannot forget a rule.
package enum Operation: String, Sendable, CaseIterable {
    case wizard, importDefinitions = "import", catalog, integrations, deploy, instances, configure
    case show, reveal, status, logs, events, run, connect, disconnect, test, refresh
    case callbackServer = "callback-server"

    /// Why a customer may not do this, or nil when they may (on their own instances and
    /// customer-visible fields only: the store's lookups enforce that part).
    package var refusedToCustomers: String? {
        switch self {
        case .importDefinitions: "importing definitions is for team members"
        case .reveal: "--reveal is not available in customer role"
        case .run: "running a step's code is for team members: the code is handed hidden values and secrets"
        case .callbackServer: "the team callback server is for team members: it completes every customer's CONNECT"
        case .wizard, .catalog, .integrations, .deploy, .instances, .configure, .show, .status, .logs, .events,
             .connect, .disconnect, .test, .refresh:
            nil
        }
    }
}

extension Actor {
    /// Throws `forbidden` (exit 5) when this actor's role may not perform `operation`.
    package func authorize(_ operation: Operation) throws {
        if role.isCustomer, let reason = operation.refusedToCustomers { throw SwitchboardError.forbidden(reason) }
    }

    /// Whose unsaved wizard input a draft is: the OS user in their role, so a customer
    /// session never offers back (or names) what a team member typed as the same OS user.
    /// Team drafts keep the plain user name they have always had.
    package var draftOwner: String { logUser }
}
