export * from "./projects";
export * from "./events";
export * from "./signals";
export * from "./users";
export * from "./dead-letters";
export * from "./detections";
export * from "./vectors";
export * from "./issues";
