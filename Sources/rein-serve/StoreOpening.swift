import Foundation
import Logging
import ReinServer

extension ServeCommand {
    /// The store `settings` names: the PostgreSQL database replicas share (`database`), or the
    /// embedded SQLite file in the data folder. Exits with a message when it cannot be opened.
    func openStore(_ settings: ServeConfig, environment: [String: String]) async throws -> any SessionStore {
        guard let url = settings.database else {
            guard mkdir(settings.data, 0o750) == 0 || errno == EEXIST else {
                fail("cannot create the data folder `\(settings.data)`: \(String(cString: strerror(errno)))")
            }
            return try SQLiteStore(path: settings.data + "/rein.sqlite")
        }
        let location: PostgresLocation
        switch PostgresLocation.parse(url, environment: environment) {
        case .success(let parsed): location = parsed
        case .failure(let error): fail("--database: \(error)")
        }
        do {
            return try await PostgresStore.connect(location, logger: Logger(label: "rein"))
        } catch {
            fail("\(error)")
        }
    }

    /// A database URL without its password.
    static func redacted(_ url: String) -> String {
        (try? PostgresLocation.parse(url, environment: [:]).get())?.redacted ?? "(unreadable URL)"
    }
}
