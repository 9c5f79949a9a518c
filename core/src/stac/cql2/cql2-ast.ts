// CQL2 JSON (OGC 21-065) as plain data: the one representation every filter is
// turned into, whatever it arrived as (CQL2 text, CQL2 JSON, the query extension).
import type { Geometry } from 'geojson';

export interface PropertyRef { property: string }
export interface TimestampLiteral { timestamp: string }
export interface DateLiteral { date: string }
export interface IntervalLiteral { interval: [IntervalBound, IntervalBound] }
export type IntervalBound = string | PropertyRef | TimestampLiteral | DateLiteral;
export interface BboxLiteral { bbox: number[] }

/** `{op, args}`: comparisons, logic, spatial/temporal/array functions, arithmetic, casei/accenti and custom functions. */
export interface Operation { op: string; args: Cql2Expr[] }

export type Cql2Expr =
  | Operation
  | PropertyRef
  | TimestampLiteral
  | DateLiteral
  | IntervalLiteral
  | BboxLiteral
  | Geometry
  | string
  | number
  | boolean
  | null
  | Cql2Expr[];
