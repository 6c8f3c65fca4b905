using System;
using System.Text;
using DockerHubPat.Hub;
using Xunit;

namespace DockerHubPat.Tests
{
    public class JwtTests
    {
        private const string Header = """{"alg":"RS256","typ":"JWT","kid":"test"}""";

        private static string Base64Url(string text) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        // Unsigned: the module reads claims only and leaves the signature to Hub.
        private static string Token(string payloadJson) =>
            $"{Base64Url(Header)}.{Base64Url(payloadJson)}.{Base64Url("not a real signature")}";

        private static string PayloadOf(string jwt) => jwt.Split('.')[1];

        [Fact]
        public void ExpIsRead()
        {
            var jwt = Token("""{"sub":"alice","exp":1700000000,"iat":1699999400}""");

            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), Jwt.ReadExpiry(jwt));
        }

        // "??>>" encodes to '_' and '-'; the suffix sets the unpadded length to 3, 0 and 2 mod 4.
        [Theory]
        [InlineData("", 3)]
        [InlineData("a", 0)]
        [InlineData("ab", 2)]
        public void ExpIsReadWhateverTheBase64UrlPadding(string suffix, int lengthMod4)
        {
            var jwt = Token($$"""{"exp":1700000000,"note":"??>>{{suffix}}"}""");
            var payload = PayloadOf(jwt);
            Assert.Equal(lengthMod4, payload.Length % 4);
            Assert.Contains('-', payload);
            Assert.Contains('_', payload);

            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), Jwt.ReadExpiry(jwt));
        }

        // Fixed text so the test does not rest only on this file's own encoder.
        [Fact]
        public void ExpIsReadFromAKnownEncoding()
        {
            const string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsIm5vdGUiOiI_Pz4-In0.c2ln";

            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), Jwt.ReadExpiry(jwt));
        }

        [Fact]
        public void NoExpIsNull()
        {
            Assert.Null(Jwt.ReadExpiry(Token("""{"sub":"alice","iat":1699999400}""")));
        }

        [Theory]
        [InlineData("")]
        [InlineData("garbage")]
        [InlineData("a.b")]
        [InlineData("a.b.c.d")]
        [InlineData("header.!!!not base64!!!.sig")]
        [InlineData("header.abcde.sig")]
        [InlineData("header.bm90IGpzb24.sig")]
        [InlineData("header.bnVsbA.sig")]
        [InlineData("header.WzEsMiwzXQ.sig")]
        [InlineData("header.eyJleHAiOjE3MDAwMDAwMDA.sig")]
        public void GarbageGivesNoExpiryAndNoException(string jwt)
        {
            Assert.Null(Jwt.ReadExpiry(jwt));
            Assert.False(Jwt.IsFromAccessToken(jwt));
        }

        [Fact]
        public void InvalidUtf8PayloadGivesNoExpiry()
        {
            var payload = Convert.ToBase64String(new byte[] { 0x7B, 0xFF, 0xFE, 0x7D }).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var jwt = $"{Base64Url(Header)}.{payload}.sig";

            Assert.Null(Jwt.ReadExpiry(jwt));
            Assert.False(Jwt.IsFromAccessToken(jwt));
        }

        [Theory]
        [InlineData("""{"exp":"1700000000"}""")]
        [InlineData("""{"exp":null}""")]
        [InlineData("""{"exp":true}""")]
        [InlineData("""{"exp":{"at":1700000000}}""")]
        public void ExpThatIsNotANumberGivesNoExpiryAndNoException(string payload)
        {
            Assert.Null(Jwt.ReadExpiry(Token(payload)));
        }

        [Theory]
        [InlineData("""{"exp":99999999999999999}""")]
        [InlineData("""{"exp":-99999999999999999}""")]
        public void ExpOutsideTheCalendarGivesNoExpiryAndNoException(string payload)
        {
            Assert.Null(Jwt.ReadExpiry(Token(payload)));
        }

        [Fact]
        public void PatSourceClaimMeansTheSessionCameFromAnAccessToken()
        {
            var jwt = Token("""
                {"sub":"f3b2c1d0","exp":1700000000,
                 "https://hub.docker.com":{"username":"alice","source":"docker_pat"},
                 "https://hub.docker.com.source":"docker_pat|1b4e28ba-2fa1-11d2-883f-0016d3cca427"}
                """);

            Assert.True(Jwt.IsFromAccessToken(jwt));
        }

        [Theory]
        [InlineData("""{"exp":1700000000,"https://hub.docker.com.source":"password"}""")]
        [InlineData("""{"exp":1700000000,"https://hub.docker.com.source":"docker_password"}""")]
        [InlineData("""{"exp":1700000000}""")]
        [InlineData("""{"exp":1700000000,"https://hub.docker.com.source":null}""")]
        [InlineData("""{"exp":1700000000,"https://hub.docker.com.source":["docker_pat|x"]}""")]
        [InlineData("""{"exp":1700000000,"source":"docker_pat|1b4e28ba-2fa1-11d2-883f-0016d3cca427"}""")]
        public void OtherSourcesAreNotAnAccessToken(string payload)
        {
            Assert.False(Jwt.IsFromAccessToken(Token(payload)));
        }
    }
}
