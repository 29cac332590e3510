// Team picker: splits 13 Attack on Titan characters into 4 random teams of 3
// and leaves 1 out. The event may bring its own "members" list; the
// environment variable SQUAD_NAME labels the result.
const DEFAULT_MEMBERS = [
  "Eren Yeager", "Mikasa Ackerman", "Armin Arlert", "Levi Ackerman", "Hange Zoë",
  "Erwin Smith", "Jean Kirstein", "Connie Springer", "Sasha Blouse", "Historia Reiss",
  "Reiner Braun", "Bertholdt Hoover", "Annie Leonhart",
];

function shuffle(list) {
  const a = list.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

exports.handler = async (event) => {
  const members = Array.isArray(event && event.members) ? event.members : DEFAULT_MEMBERS;
  const teamCount = Number((event && event.teams) || 4);
  const teamSize = Number((event && event.teamSize) || 3);
  if (members.length < teamCount * teamSize) {
    throw new Error(`need at least ${teamCount * teamSize} members, got ${members.length}`);
  }
  const shuffled = shuffle(members);
  const teams = [];
  for (let t = 0; t < teamCount; t++) {
    teams.push(shuffled.slice(t * teamSize, (t + 1) * teamSize));
  }
  const leftOut = shuffled.slice(teamCount * teamSize);
  console.log(`picked ${teams.length} teams of ${teamSize}; left out: ${leftOut.join(", ")}`);
  return { squad: process.env.SQUAD_NAME || "Survey Corps", teams, leftOut };
};
