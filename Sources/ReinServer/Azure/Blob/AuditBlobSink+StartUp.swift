import ReinAdapters

/// Start-up: the container, the blob to append to, its last entry against the store, and what
/// the blob lacks.
extension AuditBlobSink {
    /// Finds where the blob stands, checks it holds this server's chain, and sends what it lacks.
    /// At start-up every request is tried a few times only, and every failure is thrown.
    func catchUp() async throws {
        do {
            try await checkContainer()
            try await findCurrentBlob()
            try await checkTail()
            while try await sendBlock(attempts: tuning.startAttempts) {}
            logger.info(
                "the audit blob holds the store's chain", metadata: ["blob": "\(config.blobName(index))", "sent": "\(sent)", "blocks": "\(blocks)"])
        } catch let stop as SendStop {
            switch stop {
            case .failed(let error): throw error
            case .halted: throw AuditBlobError(alarm ?? "the audit blob stopped")
            case .cancelled: throw CancellationError()
            }
        }
    }

    /// The container exists and the identity's token is accepted; without an immutability policy
    /// (or a legal hold) it says so in a warning: what Rein appends could then be changed or deleted.
    private func checkContainer() async throws {
        let (answer, _) = try await exchange("read the container's properties", nil, attempts: tuning.startAttempts) { [blob] in
            try await blob.containerProperties()
        }
        // A role without the container's `read` action can still append: then it is not checked.
        let mayNotRead = answer.status == 403 && ["AuthorizationPermissionMismatch", "AuthorizationFailure"].contains(answer.code ?? "")
        guard answer.succeeded || mayNotRead else { throw SendStop.failed(failure("read the container's properties", nil, answer)) }
        guard answer.succeeded else {
            logger.warning(
                "the audit container's properties cannot be read, so its immutability is not checked",
                metadata: ["container": "\(config.container)", "answer": "\(answer.summary)"])
            return
        }
        if !answer.immutable {
            logger.warning(
                "the audit container has no immutability policy: what Rein appends could be changed or deleted",
                metadata: ["container": "\(config.container)"])
        }
    }

    /// The last blob of `-000001`, `-000002`, … that exists (they are made in order and never
    /// deleted: found by doubling, then halving), or the first, created.
    private func findCurrentBlob() async throws {
        guard var lowAnswer = try await existing(1) else {
            try await createBlob(1, attempts: tuning.startAttempts)
            index = 1
            length = 0
            blocks = 0
            return
        }
        var low = 1
        var high = 2
        while let answer = try await existing(high) {
            (low, lowAnswer) = (high, answer)
            guard high < 1 << 40 else { throw SendStop.failed(AuditBlobError("the audit blobs `\(config.stem)-…` cannot be counted")) }
            high *= 2
        }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if let answer = try await existing(middle) {
                (low, lowAnswer) = (middle, answer)
            } else {
                high = middle
            }
        }
        index = low
        (length, blocks) = try adopt(lowAnswer, config.blobName(low))
    }

    /// The properties of blob `number`, or nil when it does not exist.
    private func existing(_ number: Int) async throws -> BlobAnswer? {
        let name = config.blobName(number)
        let answer = try await properties(name, attempts: tuning.startAttempts)
        if answer.status == 404, answer.code != "ContainerNotFound" { return nil }
        guard answer.succeeded else { throw SendStop.failed(failure("read the blob's properties", name, answer)) }
        return answer
    }

    /// The length and committed blocks of an existing blob, which must be an append blob.
    func adopt(_ answer: BlobAnswer, _ name: String) throws -> (Int64, Int) {
        guard answer.blobType == nil || answer.blobType == "AppendBlob" else {
            throw SendStop.failed(
                AuditBlobError("the audit blob `\(name)` in container `\(config.container)` is a \(answer.blobType ?? "blob"), not an append blob"))
        }
        guard let length = answer.length, length >= 0 else {
            throw SendStop.failed(AuditBlobError("the audit blob `\(name)` in container `\(config.container)`: its properties give no length"))
        }
        return (length, answer.committedBlocks ?? 0)
    }

    /// The blob's last line must be the store's entry of its `seq`: then the entries after it
    /// are the ones to send. An empty blob after the first continues the one before it.
    private func checkTail() async throws {
        var number = index
        var size = length
        if size == 0, index > 1 {
            number = index - 1
            let answer = try await properties(config.blobName(number), attempts: tuning.startAttempts)
            guard answer.succeeded else { throw SendStop.failed(failure("read the blob's properties", config.blobName(number), answer)) }
            size = try adopt(answer, config.blobName(number)).0
            guard size > 0 else { throw notThisChain(config.blobName(number), "it is empty, yet the next blob exists") }
        }
        guard size > 0 else {
            sent = -1
            return
        }
        let name = config.blobName(number)
        let line = try await lastLine(name, length: size)
        guard let seq = BlobTail.seq(of: line) else {
            throw notThisChain(name, "its last line is not an audit entry: `\(BlobTail.excerpt(line))`")
        }
        let stored: [AuditLine]
        do {
            stored = try await store.auditLines(after: seq - 1, limit: 1)
        } catch {
            throw SendStop.failed(AuditBlobError("the store's audit entry \(seq) cannot be read: \(error)"))
        }
        guard let mine = stored.first, mine.seq == seq, Array(mine.text.utf8) == line else {
            throw notThisChain(name, "its last entry (seq \(seq)) is not the store's entry \(seq)")
        }
        sent = seq
    }

    /// The blob's last line (without its newline): the last 64 KiB read first, then up to a
    /// whole block's worth.
    private func lastLine(_ name: String, length: Int64) async throws -> [UInt8] {
        var window = min(length, 1 << 16)
        while true {
            let bytes = try await read(name, from: length - window, through: length - 1, attempts: tuning.startAttempts)
            switch BlobTail.lastLine(bytes, whole: window == length) {
            case .line(let line): return line
            case .unterminated: throw notThisChain(name, "it does not end with a whole line")
            case .needMore:
                let most = min(length, Int64(BlobClient.maxBlockBytes) + 1)
                guard window < most else { throw notThisChain(name, "its last line is longer than a block") }
                window = most
            }
        }
    }

    private func notThisChain(_ name: String, _ why: String) -> SendStop {
        .failed(AuditBlobError("the audit blob `\(name)` in container `\(config.container)` is not this server's chain: \(why)"))
    }
}
