/** A hash of a folder tree (paths, modes, contents), to check a failure left the files as they were. */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export async function hashTree(root: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (rel: string): Promise<void> => {
    const entries = (await readdir(join(root, rel))).sort();
    for (const name of entries) {
      const path = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(root, path));
      h.update(`${path}\0${st.mode}\0`);
      if (st.isDirectory()) await walk(path);
      else if (st.isSymbolicLink()) h.update(await readlink(join(root, path)));
      else h.update(await readFile(join(root, path)));
    }
  };
  await walk('');
  return h.digest('hex');
}
