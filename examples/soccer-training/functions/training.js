// One training session of the youth soccer system. Every training function
// runs this code; TRAINING (an environment variable) names the session.
// It appends the session to the player's list of completed trainings.
exports.handler = async (event) => {
  const training = process.env.TRAINING || "훈련";
  const completed = Array.isArray(event.completed) ? event.completed : [];
  console.log(`${event.player || "선수"}: ${training} 완료`);
  return { ...event, completed: [...completed, training] };
};
