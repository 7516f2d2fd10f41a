import ReinAdapters

/// Sending: blocks of whole lines, appended at the length Rein expects, the next blob before the
/// block limit, and what a 412 means.
extension AuditBlobSink {
    /// Sends the next block of lines from the store; false when there is none. `attempts`: how
    /// often a transiently failing request is tried (nil: until it succeeds or the sink stops).
    func sendBlock(attempts: Int?) async throws -> Bool {
        if alarm != nil { throw SendStop.halted }
        try await fillBuffer()
        guard let first = buffer.first else { return false }
        guard first.seq == sent + 1 else {
            raiseAlarm("the store's next audit entry is \(first.seq), but the blob's last is \(sent)")
            throw SendStop.halted
        }
        var bytes: [UInt8] = []
        var count = 0
        for line in buffer {
            let size = line.text.utf8.count + 1
            if size > tuning.maxBlockBytes, count == 0 {
                raiseAlarm("the audit entry \(line.seq) is \(size) bytes, more than a block of \(tuning.maxBlockBytes) holds: it cannot be appended")
                throw SendStop.halted
            }
            guard bytes.count + size <= tuning.maxBlockBytes, line.seq == first.seq + Int64(count) else { break }
            bytes += line.text.utf8
            bytes.append(0x0A)
            count += 1
        }
        if blocks >= tuning.blockLimit { try await rollOver(attempts: attempts) }
        try await append(bytes, count: count, attempts: attempts)
        return true
    }

    /// Reads more lines from the store while the buffer holds less than a block.
    private func fillBuffer() async throws {
        guard bufferBytes < tuning.maxBlockBytes else { return }
        let lines: [AuditLine]
        do {
            lines = try await store.auditLines(after: buffer.last?.seq ?? sent, limit: tuning.readBatch)
        } catch {
            throw SendStop.failed(AuditBlobError("the store's audit lines after \(buffer.last?.seq ?? sent) cannot be read: \(error)"))
        }
        buffer += lines
        bufferBytes += lines.reduce(0) { $0 + $1.text.utf8.count + 1 }
    }

    /// Appends one block of `count` lines at the blob's expected length.
    private func append(_ bytes: [UInt8], count: Int, attempts: Int?) async throws {
        let name = config.blobName(index)
        let position = length
        let (answer, retried) = try await exchange("append a block", name, attempts: attempts) { [blob] in
            try await blob.appendBlock(name, bytes, at: position)
        }
        if answer.succeeded {
            length = position + Int64(bytes.count)
            blocks = answer.committedBlocks ?? blocks + 1
            accept(count)
            return
        }
        switch (answer.status, answer.code) {
        case (412, "AppendPositionConditionNotMet"?):
            try await reconcile(bytes, count: count, at: position, retried: retried, attempts: attempts)
        case (409, "BlockCountExceedsLimit"?):
            // Fuller than counted: the next round continues in the next blob.
            logger.warning("the audit blob is full before its block limit", metadata: ["blob": "\(name)", "blocks": "\(blocks)"])
            blocks = tuning.blockLimit
        default:
            throw SendStop.failed(failure("append a block", name, answer))
        }
    }

    /// A 412: the blob is not as long as expected. When it now ends with exactly this block, an
    /// earlier attempt went through and its answer was lost: the block counts as sent. Anything
    /// else is someone else's writing: the alarm, and nothing more is sent.
    private func reconcile(_ bytes: [UInt8], count: Int, at position: Int64, retried: Bool, attempts: Int?) async throws {
        let name = config.blobName(index)
        let answer = try await properties(name, attempts: attempts)
        guard answer.succeeded else { throw SendStop.failed(failure("read the blob's properties", name, answer)) }
        let (found, committed) = try adopt(answer, name)
        let end = position + Int64(bytes.count)
        if found == end, try await read(name, from: position, through: end - 1, attempts: attempts) == bytes {
            logger.notice(
                "an append whose answer was lost had gone through: counted as sent",
                metadata: ["blob": "\(name)", "through": "\((buffer.prefix(count).last?.seq).map(String.init) ?? "?")"])
            length = found
            blocks = committed
            accept(count)
            return
        }
        if found == position {
            throw SendStop.failed(
                AuditBlobError("the audit blob `\(name)`: 412 AppendPositionConditionNotMet, yet it is \(found) bytes long as expected"))
        }
        var seen = ""
        if found > position {
            let shown = try? await read(name, from: position, through: min(found, position + 200) - 1, attempts: attempts)
            seen = shown.map { ", and from there it holds `\(BlobTail.excerpt($0))`" } ?? ""
        }
        let first = buffer.first?.seq ?? sent + 1
        raiseAlarm(
            "someone else wrote to the audit blob `\(name)` in container `\(config.container)`: Rein expected it \(position) bytes long "
                + "(entries through \(sent)) to append entries \(first)–\(first + Int64(count) - 1), but it is \(found) bytes long\(seen)"
                + (retried ? "" : " (412 on the first attempt)"))
        throw SendStop.halted
    }

    /// Continues the chain in the next blob.
    private func rollOver(attempts: Int?) async throws {
        let next = index + 1
        try await createBlob(next, attempts: attempts)
        logger.info(
            "the audit continues in the next blob",
            metadata: ["blob": "\(config.blobName(next))", "after": "\(config.blobName(index))", "blocks": "\(blocks)"])
        index = next
        length = 0
        blocks = 0
    }

    /// Creates blob `number`, empty. One that exists already (an attempt whose answer was lost)
    /// must be empty; one that holds anything is someone else's writing.
    func createBlob(_ number: Int, attempts: Int?) async throws {
        let name = config.blobName(number)
        let (answer, _) = try await exchange("create the blob", name, attempts: attempts) { [blob] in try await blob.create(name) }
        if answer.succeeded { return }
        guard answer.status == 412 || (answer.status == 409 && answer.code == "BlobAlreadyExists") else {
            throw SendStop.failed(failure("create the blob", name, answer))
        }
        let existing = try await properties(name, attempts: attempts)
        guard existing.succeeded else { throw SendStop.failed(failure("read the blob's properties", name, existing)) }
        let (size, _) = try adopt(existing, name)
        guard size == 0 else {
            raiseAlarm(
                "someone else wrote to the audit blob `\(name)` in container `\(config.container)` before Rein began it: it is \(size) bytes long")
            throw SendStop.halted
        }
    }

    // MARK: - Requests

    /// The blob's properties (`HEAD`), whatever the status.
    func properties(_ name: String, attempts: Int?) async throws -> BlobAnswer {
        try await exchange("read the blob's properties", name, attempts: attempts) { [blob] in try await blob.properties(name) }.0
    }

    /// The blob's bytes `from` through `through`; anything but exactly those is a failure.
    func read(_ name: String, from: Int64, through: Int64, attempts: Int?) async throws -> [UInt8] {
        let (answer, _) = try await exchange("read the blob", name, attempts: attempts) { [blob] in
            try await blob.read(name, from: from, through: through)
        }
        guard answer.succeeded else { throw SendStop.failed(failure("read the blob", name, answer)) }
        guard answer.body.count == Int(through - from + 1) else {
            throw SendStop.failed(
                AuditBlobError("the audit blob `\(name)`: asked for bytes \(from)–\(through), got \(answer.body.count) bytes"))
        }
        return answer.body
    }

    /// Sends one request until its answer is not transient (no answer, 408, 429, 500, 502, 503,
    /// 504), waiting `Retry-After` or the back-off between attempts; with `attempts`, at most that
    /// many. The answer, and whether an earlier attempt may have reached Azure.
    func exchange(
        _ what: String, _ name: String?, attempts limit: Int?, _ request: () async throws -> BlobAnswer
    ) async throws -> (BlobAnswer, retried: Bool) {
        var attempt = 0
        while true {
            if Task.isCancelled { throw SendStop.cancelled }
            attempt += 1
            let why: String
            var wait = tuning.retry.delay(afterAttempts: attempt, random: Double.random(in: 0..<1))
            do {
                let answer = try await request()
                if !answer.isTransient { return (answer, attempt > 1) }
                why = answer.summary
                if let after = answer.retryAfter { wait = after * 1000 }
            } catch {
                if Task.isCancelled { throw SendStop.cancelled }
                why = "no answer: \(error)"
            }
            if let limit, attempt >= limit {
                throw SendStop.failed(AuditBlobError("\(place(name)): \(what): \(why) (\(attempt) attempts)"))
            }
            logger.warning(
                "an audit blob request failed; it is tried again",
                metadata: ["blob": "\(name ?? "")", "container": "\(config.container)", "request": "\(what)", "why": "\(why)", "retry_ms": "\(wait)"])
            do {
                try await clock.sleep(until: clock.now().adding(milliseconds: wait))
            } catch {
                throw SendStop.cancelled
            }
        }
    }

    /// What went wrong with a request, with what the administrator can do about Azure's code.
    func failure(_ what: String, _ name: String?, _ answer: BlobAnswer) -> AuditBlobError {
        var text = "\(place(name)): \(what): \(answer.summary)"
        switch answer.code {
        case "BlobImmutableDueToPolicy"?:
            text += ". The container's immutability policy must allow protected append writes (allowProtectedAppendWrites), "
                + "or no audit entry can be appended"
        case "AuthorizationPermissionMismatch"?, "AuthorizationFailure"?:
            text += ". The identity `\(config.identity)` needs the role Storage Blob Data Contributor on the container"
        case "ContainerNotFound"?:
            text += ". The container must exist (Rein does not create it: its immutability policy is the administrator's)"
        case "InvalidAuthenticationInfo"?, "NoAuthenticationInformation"?:
            text += ". The token of the identity `\(config.identity)` for \(BlobClient.audience) was refused"
        default: break
        }
        return AuditBlobError(text)
    }

    private func place(_ name: String?) -> String {
        name.map { "the audit blob `\($0)` in container `\(config.container)`" } ?? "the audit container `\(config.container)`"
    }
}
