import { detectConsumer, workerProject } from "../../test/worker-project.ts";

// Ingest runs with the detect consumer beside it, so a test can follow an event from
// POST /v1/events through the real local queue into D1.
export default workerProject("ingest", { workers: [detectConsumer] });
