# The Hub emulator's fault injection can stage every failure the reliability, organization-token and
# rotation issues need, on the OAT routes and /v2/auth/token as on the PAT routes. Driven over real
# HTTP without the module: these prove the faults do what the README says, so product tests that
# rely on them test what they claim.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Owner = New-TestAccount -Prefix 'fault'
    $script:Jwt = Get-TestBearer -Username $Owner.Username -Password $Owner.Password
    $script:Org = New-TestOrganization -Owner $Owner.Username -Plan Business
    $script:OrgPath = "/v2/orgs/$($Org.name)/access-tokens"
    $script:DefaultSettings = Invoke-Emulator -Path '/_emulator/settings'

    function Add-Fault([hashtable] $Spec) { Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body $Spec }

    function New-OrgToken([string] $Label = ('t-' + [guid]::NewGuid().ToString('N').Substring(0, 8)), [int] $TimeoutSec = 30) {
        $body = @{ label = $Label; resources = @(@{ type = 'TYPE_REPO'; path = "$($script:Org.name)/app"; scopes = @('scope-image-pull') }) }
        Invoke-HubApi -Method Post -Path $script:OrgPath -Bearer $script:Jwt -Body $body -TimeoutSec $TimeoutSec
    }

    function Get-ServerLabels { @(Get-ServerOrgToken -Organization $script:Org.name).label }

    function Get-LastLogEntry([string] $Path) { @(Get-HubRequestLog -Path $Path)[-1] }
}

Describe 'Fault injection' {
    AfterEach {
        Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null
        Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body $DefaultSettings | Out-Null
    }

    Context 'Rate-limit answers that ask for no wait, or an unbounded one' {
        It 'a 429 with Retry-After: 0 on an OAT create, not applied' {
            Add-Fault @{ method = 'POST'; path = '/v2/orgs/*/access-tokens'; kind = 'rate_limit'; seconds = 0 } | Out-Null
            $answer = New-OrgToken 'not-made'
            $answer.Status | Should -Be 429
            $answer.Headers['Retry-After'] | Should -Be '0'
            $answer.Headers.Keys | Should -Not -Contain 'X-RateLimit-Reset'
            Get-ServerLabels | Should -Not -Contain 'not-made'
        }

        It 'a 429 whose X-RateLimit-Reset is already in the past' {
            Add-Fault @{ path = '/v2/orgs/*'; kind = 'rate_limit'; header = 'x-ratelimit-reset'; seconds = -30 } | Out-Null
            $answer = Invoke-HubApi -Path $OrgPath -Bearer $Jwt
            $answer.Status | Should -Be 429
            $answer.Headers.Keys | Should -Not -Contain 'Retry-After'
            [long]$answer.Headers['X-RateLimit-Reset'][0] | Should -BeLessThan ([DateTimeOffset]::UtcNow.ToUnixTimeSeconds() - 20)
            $answer.Headers['X-RateLimit-Remaining'] | Should -Be '0'
        }

        It 'a 429 asking for a wait of <seconds> s' -ForEach @(@{ seconds = 3600 }, @{ seconds = 40000000 }) {
            Add-Fault @{ path = '/v2/auth/token'; kind = 'rate_limit'; seconds = $seconds } | Out-Null
            $answer = Invoke-HubApi -Method Post -Path '/v2/auth/token' -Body @{ identifier = $Owner.Username; secret = $Owner.Password }
            $answer.Status | Should -Be 429
            $answer.Headers['Retry-After'] | Should -Be "$seconds"
        }

        It 'a 503 with Retry-After: <value>, still carrying the rate-limit headers' -ForEach @(@{ value = '3600' }, @{ value = '40000000' }) {
            Add-Fault @{ method = 'GET'; path = $OrgPath; kind = 'status'; status = 503; headers = @{ 'Retry-After' = $value } } | Out-Null
            $answer = Invoke-HubApi -Path $OrgPath -Bearer $Jwt
            $answer.Status | Should -Be 503
            $answer.Headers['Retry-After'] | Should -Be $value
            $answer.Json.message | Should -Be 'Service Unavailable'
            $answer.Headers['X-RateLimit-Remaining'] | Should -Match '^\d+$'
            (Invoke-HubApi -Path $OrgPath -Bearer $Jwt).Status | Should -Be 200
        }

        It 'refuses a negative Retry-After and headers the body decides' {
            { Add-Fault @{ kind = 'rate_limit'; seconds = -1 } } | Should -Throw '*unix-time headers*'
            { Add-Fault @{ kind = 'status'; status = 503; headers = @{ 'Content-Type' = 'text/html' } } } | Should -Throw '*content_type*'
        }
    }

    Context 'Creates that are applied but answered badly' {
        It 'delay_after: the token exists while the client is still waiting, and a client that gives up never hears' {
            Add-Fault @{ method = 'POST'; path = $OrgPath; kind = 'delay_after'; ms = 4000 } | Out-Null
            $timedOut = $false
            try { New-OrgToken 'slow' -TimeoutSec 1 | Out-Null }
            catch { $timedOut = $true }
            $timedOut | Should -BeTrue
            Get-ServerLabels | Should -Contain 'slow'
            $logged = Get-LastLogEntry $OrgPath
            $logged.fault | Should -Be 'delay_after'
        }

        It 'delay_after: a patient client gets the real 201 late' {
            Add-Fault @{ method = 'POST'; path = $OrgPath; kind = 'delay_after'; ms = 1500 } | Out-Null
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $answer = New-OrgToken 'late'
            $watch.Elapsed.TotalMilliseconds | Should -BeGreaterOrEqual 1400
            $answer.Status | Should -Be 201
            $answer.Json.token | Should -Match '^dckr_oat_'
        }

        It 'status_after 200: the create''s own body under 200 instead of 201' {
            Add-Fault @{ method = 'POST'; path = $OrgPath; kind = 'status_after'; status = 200 } | Out-Null
            $answer = New-OrgToken 'two-hundred'
            $answer.Status | Should -Be 200
            $answer.Json.label | Should -Be 'two-hundred'
            (Get-ServerOrgToken -Organization $Org.name -Id $answer.Json.id).token | Should -Be $answer.Json.token
        }

        It 'edit_json: a create answered with an empty token' {
            Add-Fault @{ method = 'POST'; path = $OrgPath; kind = 'edit_json'; edits = @(@{ path = 'token'; value = '' }) } | Out-Null
            $answer = New-OrgToken 'no-secret'
            $answer.Status | Should -Be 201
            $answer.Json.token | Should -BeExactly ''
            (Get-ServerOrgToken -Organization $Org.name -Id $answer.Json.id).token | Should -Match '^dckr_oat_'
        }

        It 'a 2xx whose body cannot be read: <kind>' -ForEach @(
            @{ kind = 'truncated_json'; extra = @{} }
            @{ kind = 'status_after'; extra = @{ status = 201; body = '<html>ok</html>'; content_type = 'text/html' } }
        ) {
            Add-Fault (@{ method = 'POST'; path = $OrgPath; kind = $kind } + $extra) | Out-Null
            $answer = New-OrgToken "unreadable-$kind"
            $answer.Status | Should -Be 201
            $answer.Json | Should -BeNullOrEmpty
            Get-ServerLabels | Should -Contain "unreadable-$kind"
        }
    }

    Context 'Changes that are applied and then answered with a failure' {
        It 'a PATCH applied, then answered 503' {
            $token = Add-TestOrgToken -Organization $Org.name -Token @{ label = 'patched' }
            Add-Fault @{ method = 'PATCH'; path = "$OrgPath/*"; kind = 'status_after'; status = 503 } | Out-Null
            $answer = Invoke-HubApi -Method Patch -Path "$OrgPath/$($token.id)" -Bearer $Jwt -Body @{ is_active = $false }
            $answer.Status | Should -Be 503
            $answer.Json.Keys | Should -Be @('message', 'errinfo')
            (Get-ServerOrgToken -Organization $Org.name -Id $token.id).is_active | Should -BeFalse
        }

        It 'a DELETE applied, then answered 500' {
            $token = Add-TestOrgToken -Organization $Org.name -Token @{ label = 'deleted-500' }
            Add-Fault @{ method = 'DELETE'; path = "$OrgPath/*"; kind = 'status_after'; status = 500 } | Out-Null
            (Invoke-HubApi -Method Delete -Path "$OrgPath/$($token.id)" -Bearer $Jwt).Status | Should -Be 500
            Get-ServerOrgToken -Organization $Org.name -Id $token.id | Should -BeNullOrEmpty
        }

        It 'a DELETE applied, then the connection dropped' {
            $token = Add-TestOrgToken -Organization $Org.name -Token @{ label = 'deleted-drop' }
            Add-Fault @{ method = 'DELETE'; path = "$OrgPath/*"; kind = 'drop_after' } | Out-Null
            { Invoke-HubApi -Method Delete -Path "$OrgPath/$($token.id)" -Bearer $Jwt } | Should -Throw
            Get-ServerOrgToken -Organization $Org.name -Id $token.id | Should -BeNullOrEmpty
            (Get-LastLogEntry "$OrgPath/*").status | Should -BeNullOrEmpty
        }
    }

    Context 'List answers that stretch the spec' {
        BeforeAll {
            Add-TestOrgToken -Organization $Org.name -Count 3 -LabelPrefix 'list-' | Out-Null
            Add-TestToken -Username $Owner.Username -Count 3 | Out-Null
        }

        It 'counts written as floats: <path> <field>' -ForEach @(
            @{ path = '/v2/access-tokens'; field = 'count' }
            @{ path = '/v2/access-tokens'; field = 'active_count' }
            @{ path = '/v2/orgs/*/access-tokens'; field = 'total' }
        ) {
            $target = if ($path -eq '/v2/access-tokens') { $path } else { $OrgPath }
            $plain = Invoke-HubApi -Path $target -Bearer $Jwt
            Add-Fault @{ method = 'GET'; path = $path; kind = 'edit_json'; edits = @(@{ path = $field; float = $true }) } | Out-Null
            $answer = Invoke-HubApi -Path $target -Bearer $Jwt
            $answer.Content | Should -Match ('"{0}":{1}\.0[,}}]' -f $field, $plain.Json[$field])
            $answer.Headers['X-RateLimit-Limit'] | Should -Match '^\d+$'
        }

        It 'entries without is_active, on both lists' {
            Add-Fault @{ method = 'GET'; path = '*access-tokens'; count = 2; kind = 'edit_json'; edits = @(@{ path = 'results.*.is_active'; remove = $true }) } | Out-Null
            foreach ($target in '/v2/access-tokens', $OrgPath) {
                $answer = Invoke-HubApi -Path $target -Bearer $Jwt
                $answer.Json.results.Count | Should -BeGreaterThan 0
                $answer.Json.results | ForEach-Object { $_.Keys | Should -Not -Contain 'is_active' }
            }
        }

        It 'one unreadable entry among good ones' {
            Add-Fault @{ method = 'GET'; path = $OrgPath; kind = 'edit_json'; edits = @(
                    @{ path = 'results.1'; value = 'not a token' }
                    @{ path = 'results.2.created_at'; value = 12 }) } | Out-Null
            $answer = Invoke-HubApi -Path $OrgPath -Bearer $Jwt
            $answer.Json.results[0].id | Should -Match '^[0-9a-f-]{36}$'
            $answer.Json.results[1] | Should -BeExactly 'not a token'
            $answer.Json.results[2].created_at | Should -Be 12
        }

        It 'lists the edits it will make, and refuses bad ones' {
            $id = (Add-Fault @{ kind = 'edit_json'; edits = @(@{ path = 'results.*.is_active'; remove = $true }, @{ path = 'total'; value = 1.0 }) }).id
            $listed = @(Invoke-Emulator -Path '/_emulator/faults') | ForEach-Object { $_ } | Where-Object id -EQ $id
            $listed.edits[0].remove | Should -BeTrue
            $listed.edits[1].path | Should -Be 'total'
            { Add-Fault @{ kind = 'edit_json'; edits = @(@{ path = 'a..b'; remove = $true }) } } | Should -Throw '*path*'
            { Add-Fault @{ kind = 'edit_json'; edits = @(@{ path = 'a'; remove = $true; value = 1 }) } } | Should -Throw '*exactly one*'
            { Add-Fault @{ kind = 'edit_json'; edits = @() } } | Should -Throw '*edits*'
            { Add-Fault @{ kind = 'status_after' } } | Should -Throw '*status*'
        }
    }

    Context 'Sign-in at /v2/auth/token under faults' {
        It 'a status fault answers instead of the route, and nothing is stamped' {
            $oat = Add-TestOrgToken -Organization $Org.name -Token @{ label = 'signin-503' }
            Add-Fault @{ method = 'POST'; path = '/v2/auth/token'; kind = 'status'; status = 503 } | Out-Null
            (Invoke-HubApi -Method Post -Path '/v2/auth/token' -Body @{ identifier = $Org.name; secret = $oat.token }).Status | Should -Be 503
            (Get-ServerOrgToken -Organization $Org.name -Id $oat.id).last_used_at | Should -BeNullOrEmpty
            (Invoke-HubApi -Method Post -Path '/v2/auth/token' -Body @{ identifier = $Org.name; secret = $oat.token }).Status | Should -Be 200
        }

        It 'a lock-out after failed sign-ins is a 429 without Retry-After, even for the right organization token' {
            $oat = Add-TestOrgToken -Organization $Org.name -Token @{ label = 'locked' }
            Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body @{ login_lockout_after = 2 } | Out-Null
            foreach ($i in 1..2) {
                (Invoke-HubApi -Method Post -Path '/v2/auth/token' -Body @{ identifier = $Org.name; secret = 'dckr_oat_wrong' }).Status | Should -Be 401
            }
            $locked = Invoke-HubApi -Method Post -Path '/v2/auth/token' -Body @{ identifier = $Org.name; secret = $oat.token }
            $locked.Status | Should -Be 429
            $locked.Json.detail | Should -Be 'Too many failed login attempts. Try again later.'
            $locked.Json.Keys | Should -Be @('errinfo', 'detail', 'message')
            $locked.Headers.Keys | Should -Not -Contain 'Retry-After'
            [int]$locked.Headers['X-RateLimit-Remaining'][0] | Should -BeGreaterThan 0
        }
    }
}
