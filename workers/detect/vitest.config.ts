import { workerProject } from "../../test/worker-project.ts";

export default workerProject("detect");
