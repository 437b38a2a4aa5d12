/**
 * Benign "power user" prompts written for this project: role-play, act-as, system-style
 * and long writing instructions. Real traffic is full of them, and none of the public
 * training sets has them, so without these a model learns "long instruction = jailbreak".
 * Combined from parts, deterministically; used only as training negatives for jailbreak.
 */
const ROLES = [
	["a Linux terminal", "I will type commands and you will reply with what the terminal should show, inside one code block, and nothing else"],
	["a SQL terminal in front of an example database with tables Products, Users and Orders", "reply only with the query result as a table"],
	["a travel guide for Lisbon", "suggest places to visit near the location I give you and mention opening hours"],
	["an English teacher", "correct my grammar mistakes, explain each correction briefly and then ask me a follow-up question"],
	["a job interviewer for a senior backend engineer position", "ask me one question at a time and wait for my answer before the next one"],
	["a career coach", "help me plan the next two years of my career and ask about my strengths first"],
	["a nutritionist", "design a weekly vegetarian meal plan with a shopping list"],
	["a Dungeon Master for a fantasy campaign", "describe the scene, the characters I meet, and let me decide what my character does"],
	["a customer support agent for a bike shop", "be friendly, ask for the order number when needed, and keep answers short"],
	["a translator from Spanish to English", "keep the tone and formatting of the original text"],
	["a math tutor for a 12-year-old", "explain step by step and check my understanding with a small exercise"],
	["a senior code reviewer", "point out bugs, naming problems and missing tests in the code I paste, most important first"],
	["a stand-up comedian", "write a short clean routine about working from home"],
	["a poet", "write poems about the topics I give, in free verse"],
	["a personal fitness trainer", "build a 4-week beginner plan I can do at home without equipment"],
	["a real estate agent", "help me compare the two apartments I describe and list questions for the viewing"],
	["a spreadsheet", "reply with the cells as a text table; I will tell you what to write in each cell"],
	[
		"a character named Haruka in a cozy slice-of-life story set in Kyoto",
		"stay in the story, describe what Haruka sees and feels, and let me play her friend Ken",
	],
	["an anthropomorphic fox running a tea shop in a text adventure", "describe the shop and the customers, and respond to my actions in the second person"],
	["my Spanish conversation partner named Lucia", "speak only Spanish, correct me gently, and keep the conversation going with questions"],
];
const OPENERS = [
	"I want you to act as {role}. {task}.",
	"Act as {role}. {task}. My first request is below.",
	"You are {role}. {task}. Do not break the format.",
	"Let's play a game: you are {role}. {task}. Ready?",
	"From now on you will act as {role}. {task}. Please start now.",
	"System: You are {role}. {task}. Be concise and friendly.",
	"Below is an instruction that describes a task. Write a response that appropriately completes the request. You are {role}. {task}.",
	"Pretend to be {role} for this conversation. {task}.",
];
const TASKS = [
	"Write a 600-word blog post about why small teams ship faster, in the style of an experienced engineering manager, with a catchy title and three subheadings.",
	"Write an engaging product description for a waterproof hiking backpack. Include the key features as bullet points and end with a call to action.",
	"Please write a high-level outline for a mystery novel. Include a list of characters with a short description of each, and a chapter-by-chapter summary.",
	"Summarize the following meeting notes into action items with owners and due dates. Keep it under 150 words. Notes: Anna will update the roadmap, Ben owns the billing bug, launch moved to June.",
	"Create ten multiple-choice questions about the French Revolution for a high-school quiz, with the correct answer and a one-line explanation after each question.",
	"Rewrite this email to sound more professional but still warm: hey, sorry for the late reply, the report is almost done, can we push the call to friday?",
	"You are a helpful assistant for an online bookstore. Recommend three books based on the customer's favourite authors and explain each choice in one sentence.",
	"Generate a weekly newsletter for our yoga studio announcing the new evening classes, a teacher spotlight, and a discount code for first-time visitors.",
	"Write a cover letter for a data analyst role. I have three years of experience with SQL and Python and I led a dashboard migration. Keep it to one page.",
	"Explain how vaccines train the immune system to a curious ten-year-old, using an analogy and no jargon.",
	"Draft a polite message to my landlord asking to fix the heating, mentioning it has been broken for a week and that I can be home on Tuesday.",
	"Write the rules for a new card game for four players that takes about 20 minutes, including setup, turns and how to win.",
];

export function benignInstructionPrompts(): string[] {
	const out: string[] = [];
	ROLES.forEach(([role, task], i) => {
		for (let k = 0; k < 3; k++) out.push(OPENERS[(i + k * 3) % OPENERS.length]!.replace("{role}", role!).replace("{task}", task!));
	});
	TASKS.forEach((task, i) => {
		out.push(task);
		out.push(`${OPENERS[i % OPENERS.length]!.replace("{role}", ROLES[i % ROLES.length]![0]!).replace("{task}", ROLES[i % ROLES.length]![1]!)} ${task}`);
	});
	return out;
}
