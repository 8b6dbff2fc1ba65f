import { describe, expect, it } from "vitest"
import { awsError } from "../ServiceHandler.js"
import { ec2Error, ec2Response, parseQueryParams, queryError, queryResponse } from "./Query.js"
import { parseSigV4 } from "./SigV4.js"
import { XmlFlat, XmlList } from "./Xml.js"

describe("query protocol", () => {
  it("un-flattens member lists, EC2 lists and nested structures", () => {
    const params = new URLSearchParams("Action=X&Version=1&Tags.member.1.Key=a&Tags.member.1.Value=b&Tags.member.2.Key=c&InstanceId.1=i-1&InstanceId.2=i-2&Filter.1.Name=tag:Env&Filter.1.Value.1=prod&MaxResults=5")
    expect(parseQueryParams(params)).toEqual({
      Tags: [{ Key: "a", Value: "b" }, { Key: "c" }],
      InstanceId: ["i-1", "i-2"],
      Filter: [{ Name: "tag:Env", Value: ["prod"] }],
      MaxResults: "5"
    })
  })

  it("orders list members numerically, not lexically", () => {
    const params = new URLSearchParams(Array.from({ length: 12 }, (_, i) => `Id.${i + 1}=v${i + 1}`).join("&"))
    expect(parseQueryParams(params)["Id"]).toEqual(Array.from({ length: 12 }, (_, i) => `v${i + 1}`))
  })

  it("writes the query envelope with ISO dates, members and absent fields", () => {
    const out = queryResponse("https://sts.amazonaws.com/doc/2011-06-15/", "Op", "rid", {
      When: new Date("2026-01-02T03:04:05.000Z"), List: ["a"], Named: new XmlList("DBInstance", [{ Id: "db" }]), Flat: new XmlFlat(["x", "y"]), Missing: undefined
    })
    expect(out.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><OpResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><OpResult><When>2026-01-02T03:04:05.000Z</When><List><member>a</member></List><Named><DBInstance><Id>db</Id></DBInstance></Named><Flat>x</Flat><Flat>y</Flat></OpResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></OpResponse>'
    )
  })

  it("writes EC2's envelope and both error documents", () => {
    expect(ec2Response("http://ec2.amazonaws.com/doc/2016-11-15", "DescribeX", "rid", { itemSet: ["a&b"] }).body).toContain("<requestId>rid</requestId><itemSet><item>a&amp;b</item></itemSet>")
    const error = awsError("Throttling", "Rate <exceeded>")
    expect(queryError("ns", "rid", error)).toMatchObject({ status: 400 })
    expect(queryError("ns", "rid", error).body).toContain("<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate &lt;exceeded&gt;</Message></Error><RequestId>rid</RequestId>")
    expect(ec2Error("rid", awsError("InternalError", "x", { status: 500 })).body).toContain("<Response><Errors><Error><Code>InternalError</Code>")
  })

  it("reads the SigV4 scope from a header or a presigned URL", () => {
    const header = "AWS4-HMAC-SHA256 Credential=AKIA111111111111ROOT/20261127/eu-west-1/monitoring/aws4_request, SignedHeaders=host, Signature=abc"
    expect(parseSigV4({ authorization: header }, new URLSearchParams())).toEqual({ accessKeyId: "AKIA111111111111ROOT", date: "20261127", region: "eu-west-1", service: "monitoring" })
    expect(parseSigV4({}, new URLSearchParams("X-Amz-Credential=K%2F20261127%2Fus-east-1%2Fs3%2Faws4_request"))?.service).toBe("s3")
    expect(parseSigV4({}, new URLSearchParams())).toBeUndefined()
  })
})
