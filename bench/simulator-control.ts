/** The bench's side of the simulator process's control API (bench/simulator-process.ts). */

export async function setUpstreamDelay (control: string, ms: number): Promise<void> {
  await post(`${control}/delay?ms=${ms}`)
}

/** From now on `appid` lists its first `count` demo cards. */
export async function setCardCount (control: string, appid: string, count: number): Promise<void> {
  await post(`${control}/cards?appid=${appid}&count=${count}`)
}

export async function resetSimulator (control: string): Promise<void> {
  await post(`${control}/reset`)
}

async function post (url: string): Promise<void> {
  const answer = await fetch(url, { method: 'POST' })
  await answer.arrayBuffer()
  if (!answer.ok) throw new Error(`${url}: ${answer.status}`)
}
