/**
 * SQL for the text the grouper compares for an event of an issue, the same choice as
 * `issueText()` in the detect worker: the tool error for tool signals, the input when the
 * evidence is on the user's side, else the output. Aliases: ie (issue_events), e, d.
 */
export const ISSUE_EVENT_TEXT = `coalesce(CASE WHEN d.evidence_field = 'tool_calls' THEN d.evidence_text END,
	CASE WHEN d.evidence_field IN ('input', 'history') THEN e.input END, e.output, e.input, '')`;

export const ISSUE_EVENT_JOINS = `FROM issue_events ie JOIN events e ON e.project_id = ie.project_id AND e.event_id = ie.event_id
	LEFT JOIN detections d ON d.project_id = ie.project_id AND d.event_id = ie.event_id AND d.signal = ie.signal`;
