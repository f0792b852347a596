// The write transaction of both backends (BEGIN IMMEDIATE on SQLite, retried on Postgres).
export { writeTransaction } from "../../db/dialect";
