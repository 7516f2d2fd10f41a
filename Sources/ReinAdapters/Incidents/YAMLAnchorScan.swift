import CYaml

/// Finds anchors and aliases in a YAML text with libyaml's own event parser. A recorded
/// incident must not hold them (FORMATS.md §3: an alias can make one value stand in several
/// places, and a reviewer reading the file sees the name, not the value). The composed tree does
/// not reliably say where they were, so the events are read here.
enum YAMLAnchorScan {
    /// The 1-based line and column of the first anchor or alias, or nil when there is none (or
    /// the text does not parse: the composer reports that).
    static func firstAnchorOrAlias(in bytes: [UInt8]) -> (line: Int, column: Int)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> (line: Int, column: Int)? in
            guard let base = buffer.baseAddress else { return nil }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let found: Bool
                switch event.type {
                case YAML_ALIAS_EVENT: found = true
                case YAML_SCALAR_EVENT: found = event.data.scalar.anchor != nil
                case YAML_SEQUENCE_START_EVENT: found = event.data.sequence_start.anchor != nil
                case YAML_MAPPING_START_EVENT: found = event.data.mapping_start.anchor != nil
                case YAML_STREAM_END_EVENT: return nil
                default: found = false
                }
                if found { return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1) }
            }
            return nil
        }
    }
}
