// e2e tests wait on a real Job controller (back-off, deadlines, TTLs): minutes, not seconds.
jest.setTimeout(300_000);
